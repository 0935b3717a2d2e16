import type { Tensor } from '@mlblocks/autograd';
import { checkOptions, type OptionNames, ShapeError, ValueError } from '@mlblocks/core-tensor';
import { INIT_OPTIONS, type InitOptions, kaimingNormal } from '../init/initializers.js';
import { ReLU } from '../layers/activations.js';
import { AdaptiveAvgPool2d, Conv2d, MaxPool2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import { BatchNorm2d } from '../layers/norm.js';
import { Module } from '../module/module.js';
import { runLayers } from './run.js';

// torchvision initialises every convolution of a ResNet with He's normal init on the fan-out.
function convLayer(
  cin: number,
  cout: number,
  kernel: number,
  stride: number,
  padding: number,
  init: InitOptions,
): Conv2d {
  const conv = new Conv2d(cin, cout, kernel, { stride, padding, bias: false, ...init });
  const weight = kaimingNormal(conv.weight.shape, { ...init, mode: 'fanOut', nonlinearity: 'relu' });
  conv.weight.array.assign(weight);
  weight.dispose();
  return conv;
}

/**
 * ResNet's basic block (He et al., 2016), as torchvision's `BasicBlock`: two 3×3 convolutions
 * with batch norm, y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). The shortcut is
 * the identity, or `downsample` — a strided 1×1 convolution and batch norm — when the block
 * changes the channel count or the resolution. Parameter names are torchvision's (`conv1.weight`,
 * `bn1.running_mean` as `bn1.runningMean`, `downsample.0.weight`, …).
 */
export class BasicBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU();
  conv2: Conv2d;
  bn2: BatchNorm2d;
  /** `[Conv2d 1×1, BatchNorm2d]` when the shape changes, else null (identity shortcut). */
  downsample: [Conv2d, BatchNorm2d] | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly stride = 1,
    init: InitOptions = {},
  ) {
    super();
    this.conv1 = convLayer(inChannels, outChannels, 3, stride, 1, init);
    this.bn1 = new BatchNorm2d(outChannels, { backend: init.backend });
    this.conv2 = convLayer(outChannels, outChannels, 3, 1, 1, init);
    this.bn2 = new BatchNorm2d(outChannels, { backend: init.backend });
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? [
            convLayer(inChannels, outChannels, 1, stride, 0, init),
            new BatchNorm2d(outChannels, { backend: init.backend }),
          ]
        : null;
  }

  forward(x: Tensor): Tensor {
    const h = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    const f = this.bn2.forward(this.conv2.forward(h));
    const shortcut = this.downsample ? runLayers(this.downsample, x) : x;
    return this.relu.forward(f.add(shortcut));
  }
}

/** Options of {@link ResNet} and {@link resnet18}. */
export interface ResNetOptions extends InitOptions {
  /** Output classes (default 1,000: ImageNet's). */
  numClasses?: number;
  /** Input channels (default 3: RGB). */
  inChannels?: number;
  /**
   * Channels of the stem and of `layer1` (default 64, torchvision's); `layer2`–`layer4` have 2×,
   * 4× and 8× as many. Smaller widths give the same architecture at a fraction of the cost.
   */
  width?: number;
  /** Start every block's last batch-norm scale at 0, so each block begins as the identity (default false). */
  zeroInitResidual?: boolean;
}

const RESNET_OPTIONS: OptionNames<ResNetOptions> = {
  ...INIT_OPTIONS,
  numClasses: true,
  inChannels: true,
  width: true,
  zeroInitResidual: true,
};

/**
 * A ResNet of basic blocks as torchvision builds it: the stem (7×7 stride-2 convolution, batch
 * norm, ReLU, 3×3 stride-2 max pooling), four stages `layer1`–`layer4` of `blocks[i]` basic
 * blocks (the first block of stages 2–4 halves the resolution and doubles the channels), global
 * average pooling and the classifier `fc`. `[2, 2, 2, 2]` is ResNet-18 (11,689,512 parameters
 * with 1,000 classes), `[3, 4, 6, 3]` ResNet-34. Module and parameter names are torchvision's,
 * so its state dicts load unchanged with `loadTorchvisionState`. Expects `[N, inChannels, H, W]`
 * (224×224 for ImageNet weights; any size ≥ 1 works thanks to the adaptive pooling, e.g. 32×32).
 *
 * @example
 * const net = resnet18({ numClasses: 10 });
 * net.layer1[0].conv1.weight.shape; // [64, 64, 3, 3]
 */
export class ResNet extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU();
  maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  layer1: BasicBlock[];
  layer2: BasicBlock[];
  layer3: BasicBlock[];
  layer4: BasicBlock[];
  avgpool = new AdaptiveAvgPool2d(1);
  fc: Linear;
  readonly inChannels: number;
  readonly width: number;
  /** Classes of the output layer (changed by `resetClassifier`). */
  numClasses: number;

  constructor(blocks: readonly [number, number, number, number], options: ResNetOptions = {}) {
    super();
    checkOptions('ResNet', options, RESNET_OPTIONS);
    const { numClasses = 1000, inChannels = 3, width = 64, zeroInitResidual = false } = options;
    for (const [name, value] of [
      ['numClasses', numClasses],
      ['inChannels', inChannels],
      ['width', width],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new ValueError('ResNet', `${name} must be an integer ≥ 1, got ${value}`);
    }
    if (blocks.length !== 4 || blocks.some((n) => !Number.isInteger(n) || n < 1))
      throw new ValueError('ResNet', `blocks must be four integers ≥ 1, got [${blocks.join(', ')}]`);
    const init = { generator: options.generator, backend: options.backend };
    this.conv1 = convLayer(inChannels, width, 7, 2, 3, init);
    this.bn1 = new BatchNorm2d(width, { backend: init.backend });
    let channels = width;
    const stage = (out: number, count: number, stride: number) => {
      const stageBlocks = [new BasicBlock(channels, out, stride, init)];
      for (let i = 1; i < count; i++) stageBlocks.push(new BasicBlock(out, out, 1, init));
      channels = out;
      return stageBlocks;
    };
    this.layer1 = stage(width, blocks[0], 1);
    this.layer2 = stage(2 * width, blocks[1], 2);
    this.layer3 = stage(4 * width, blocks[2], 2);
    this.layer4 = stage(8 * width, blocks[3], 2);
    this.fc = new Linear(8 * width, numClasses, init);
    if (zeroInitResidual) {
      for (const block of this.blocks()) block.bn2.weight?.array.assign(0);
    }
    this.inChannels = inChannels;
    this.width = width;
    this.numClasses = numClasses;
  }

  /** Every basic block, stage by stage. */
  blocks(): BasicBlock[] {
    return [...this.layer1, ...this.layer2, ...this.layer3, ...this.layer4];
  }

  /** The stem and the four stages: `[N, 8·width, H/32, W/32]` feature maps (before pooling). */
  forwardFeatures(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(
        'ResNet.forward',
        `ResNet expects images [N, ${this.inChannels}, H, W] (224×224 for ImageNet weights), got [${x.shape.join(',')}]`,
      );
    }
    const stem = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
    return runLayers(this.blocks(), stem);
  }

  forward(x: Tensor): Tensor {
    return this.fc.forward(this.avgpool.forward(this.forwardFeatures(x)).flatten(1));
  }

  /** The output layer (`fc`). */
  get head(): Linear {
    return this.fc;
  }

  /**
   * Replaces `fc` by a new, freshly initialised `Linear(8·width → numClasses)` and returns it
   * (the previous head is dropped, not disposed).
   */
  resetClassifier(numClasses: number, options: InitOptions = {}): Linear {
    this.fc = new Linear(8 * this.width, numClasses, options);
    this.numClasses = numClasses;
    return this.fc;
  }
}

/**
 * ResNet-18: `new ResNet([2, 2, 2, 2], options)` — 11,689,512 parameters with 1,000 classes,
 * torchvision's `resnet18()` module for module.
 *
 * @example
 * const net = resnet18();
 * loadTorchvisionState(net, (await loadSafetensors('resnet18.safetensors')).tensors);
 */
export function resnet18(options: ResNetOptions = {}): ResNet {
  return new ResNet([2, 2, 2, 2], options);
}

/** ResNet-34: `new ResNet([3, 4, 6, 3], options)` (21,797,672 parameters with 1,000 classes). */
export function resnet34(options: ResNetOptions = {}): ResNet {
  return new ResNet([3, 4, 6, 3], options);
}
