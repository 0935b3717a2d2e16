import { type Tensor, tensor } from '@mlblocks/autograd';
import { adaptiveAvgPool2d } from '../functional/adaptive-pool.js';
import { avgPool2d, conv2d, maxPool2d } from '../functional/conv.js';
import { type Pair, pair, type WindowOptions } from '../functional/conv-geometry.js';
import { type InitOptions, kaimingUniform, uniform } from '../init/initializers.js';
import { Module } from '../module/module.js';

/** Options of `Conv2d`. */
export interface Conv2dOptions extends WindowOptions, InitOptions {
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
}

/**
 * 2-D convolution layer: `weight` `[outChannels, inChannels, kh, kw]`, `bias` `[outChannels]`.
 * Output size per axis: ⌊(N + 2P − D(F − 1) − 1)/S⌋ + 1 — the lesson's (N + 2P − F)/S + 1.
 * Initialised like PyTorch: Kaiming uniform with a = √5 (U(±1/√fanIn)), bias U(±1/√fanIn).
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly options: WindowOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super();
    this.kernelSize = pair('Conv2d', 'kernel size', kernelSize, 1);
    const { stride, padding, dilation } = options;
    this.options = { stride, padding, dilation };
    const shape = [outChannels, inChannels, ...this.kernelSize];
    this.weight = tensor(kaimingUniform(shape, { ...options, a: Math.sqrt(5) }), { requiresGrad: true });
    const bound = 1 / Math.sqrt(inChannels * this.kernelSize[0] * this.kernelSize[1]);
    this.bias =
      options.bias === false
        ? null
        : tensor(uniform([outChannels], -bound, bound, options), { requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }
}

/** Max pooling over `kernelSize` windows (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: WindowOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** Average pooling over `kernelSize` windows (stride defaults to the kernel size). */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: WindowOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** Average pooling to a fixed output size, for any input size. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
