import { avgPool2d, conv2d, maxPool2d, type Tensor, tensor } from '@mlblocks/autograd';
import {
  type Conv2dOptions as ConvOptions,
  checkOptions,
  type OptionNames,
  type Pair,
  pair,
  ShapeError,
  ValueError,
  type WindowOptions,
} from '@mlblocks/core-tensor';
import { adaptiveAvgPool2d } from '../functional/adaptive-pool.js';
import { INIT_OPTIONS, type InitOptions, kaimingUniform, uniform } from '../init/initializers.js';
import { Module } from '../module/module.js';

/** Options of `Conv2d`. */
export interface Conv2dOptions extends ConvOptions, InitOptions {
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
}

const WINDOW_OPTIONS: OptionNames<WindowOptions> = { stride: true, padding: true, dilation: true };
const CONV2D_OPTIONS: OptionNames<Conv2dOptions> = {
  ...WINDOW_OPTIONS,
  ...INIT_OPTIONS,
  groups: true,
  bias: true,
};

/**
 * 2-D convolution layer: `weight` `[outChannels, inChannels / groups, kh, kw]`, `bias` `[outChannels]`.
 * Output size per axis: ⌊(N + 2P − D(F − 1) − 1)/S⌋ + 1 — the lesson's (N + 2P − F)/S + 1.
 * `groups` splits the channels into independent groups (`groups = inChannels`: depthwise).
 * Initialised like PyTorch: Kaiming uniform with a = √5 (U(±1/√fanIn)), bias U(±1/√fanIn).
 *
 * @example
 * const conv = new Conv2d(3, 16, 3, { padding: 1 }); // [N, 3, H, W] → [N, 16, H, W]
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly options: ConvOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super();
    checkOptions('Conv2d', options, CONV2D_OPTIONS);
    this.kernelSize = pair('Conv2d', 'kernel size', kernelSize, 1);
    const { stride, padding, dilation, groups = 1 } = options;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(
        'Conv2d',
        `groups must be a positive integer dividing both inChannels (${inChannels}) and outChannels (${outChannels}), got ${groups}`,
      );
    }
    this.options = { stride, padding, dilation, groups };
    const shape = [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = tensor(kaimingUniform(shape, { ...options, a: Math.sqrt(5) }), { requiresGrad: true });
    const bound = 1 / Math.sqrt((inChannels / groups) * this.kernelSize[0] * this.kernelSize[1]);
    this.bias =
      options.bias === false
        ? null
        : tensor(uniform([outChannels], -bound, bound, options), { requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      const [kh, kw] = this.kernelSize;
      throw new ShapeError(
        'Conv2d.forward',
        `Conv2d(${this.inChannels} → ${this.outChannels}, ${kh}×${kw}) expects inputs of shape [N, ${this.inChannels}, H, W], got [${x.shape.join(',')}]`,
      );
    }
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
    checkOptions('MaxPool2d', options, WINDOW_OPTIONS);
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
    checkOptions('AvgPool2d', options, WINDOW_OPTIONS);
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
