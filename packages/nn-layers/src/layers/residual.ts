import type { Tensor } from '@mlblocks/autograd';
import { Module } from '../module/module.js';
import { Sequential } from './container.js';
import { Conv2d } from './conv.js';
import { BatchNorm2d } from './norm.js';

/**
 * ResNet's basic block: two 3×3 convolutions with batch norm, added to a shortcut, then ReLU —
 * y = relu(F(x) + shortcut(x)). The shortcut is the identity, or a strided 1×1 convolution with
 * batch norm when the block changes the channel count or the resolution.
 */
export class ResidualBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  shortcut: Sequential | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly stride = 1,
  ) {
    super();
    this.conv1 = new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(outChannels);
    this.conv2 = new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(outChannels);
    this.shortcut =
      stride !== 1 || inChannels !== outChannels
        ? new Sequential(
            new Conv2d(inChannels, outChannels, 1, { stride, bias: false }),
            new BatchNorm2d(outChannels),
          )
        : null;
  }

  forward(x: Tensor): Tensor {
    const h = this.bn1.forward(this.conv1.forward(x)).relu();
    const f = this.bn2.forward(this.conv2.forward(h));
    return f.add(this.shortcut ? this.shortcut.forward(x) : x).relu();
  }
}
