import { noGrad, type Tensor, tensor } from '@mlblocks/autograd';
import {
  checkOptions,
  type NDArray,
  type OptionNames,
  ones,
  ShapeError,
  tidy,
  zeros,
} from '@mlblocks/core-tensor';
import { Module } from '../module/module.js';

/** Options of the batch-norm layers. */
export interface BatchNormOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch statistics in the running averages. Default 0.1. */
  momentum?: number;
  /** Learn a scale γ and shift β per channel (default true). */
  affine?: boolean;
  /** Backend of the parameters and running statistics (default: the default backend). */
  backend?: string;
}

const BATCH_NORM_OPTIONS: OptionNames<BatchNormOptions> = {
  eps: true,
  momentum: true,
  affine: true,
  backend: true,
};

/**
 * Batch normalisation over channel axis 1: y = γ·(x − μ)/√(σ² + ε) + β. In training mode μ and σ²
 * are the batch statistics (biased variance) and the running averages are updated with the
 * unbiased variance, as in PyTorch; in eval mode the running averages are used.
 */
abstract class BatchNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: NDArray;
  runningVar: NDArray;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions,
    private readonly ranks: readonly number[],
  ) {
    super();
    checkOptions(new.target.name, options, BATCH_NORM_OPTIONS);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? true;
    const on = { backend: options.backend };
    this.weight = affine ? tensor(ones([numFeatures], on), { requiresGrad: true }) : null;
    this.bias = affine ? tensor(zeros([numFeatures], on), { requiresGrad: true }) : null;
    this.runningMean = zeros([numFeatures], on);
    this.runningVar = ones([numFeatures], on);
  }

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${name}.forward`,
        `${name}(${this.numFeatures}) expects input of rank ${this.ranks.join(' or ')} with ${this.numFeatures} channels on axis 1, got [${x.shape.join(',')}]`,
      );
    }
    const axes = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2)];
    const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
    let normalized: Tensor;
    if (this.training) {
      const mean = x.mean(axes, true);
      const variance = x.var(axes, true);
      normalized = x.sub(mean).div(variance.add(this.eps).sqrt());
      const n = x.size / this.numFeatures;
      tidy(() =>
        noGrad(() => {
          const m = this.momentum;
          // statistics are kept in the buffers' dtype (float32), whatever the input's precision
          const batchMean = mean.array.reshape(-1).cast(this.runningMean.dtype);
          const unbiased = variance.array
            .reshape(-1)
            .mul(n / Math.max(1, n - 1))
            .cast(this.runningVar.dtype);
          this.runningMean.assign(this.runningMean.mul(1 - m).add(batchMean.mul(m)));
          this.runningVar.assign(this.runningVar.mul(1 - m).add(unbiased.mul(m)));
        }),
      );
    } else {
      const mean = tensor(this.runningMean.reshape(channelShape));
      const std = tensor(this.runningVar.reshape(channelShape).add(this.eps).sqrt());
      normalized = x.sub(mean).div(std);
    }
    if (!this.weight || !this.bias) return normalized;
    return normalized.mul(this.weight.reshape(channelShape)).add(this.bias.reshape(channelShape));
  }
}

/** Batch norm for `[N, C]` or `[N, C, L]` inputs. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, [2, 3]);
  }
}

/** Batch norm for `[N, C, H, W]` inputs. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, [4]);
  }
}

/**
 * Layer normalisation over the trailing `normalizedShape` axes of each example (no batch
 * statistics, same in train and eval): y = γ·(x − μ)/√(σ² + ε) + β.
 */
export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: number[];

  /**
   * @param normalizedShape the trailing axes normalised together
   * @param eps added to the variance before the square root
   * @param elementwiseAffine learn γ and β of `normalizedShape`
   * @param options `backend` of the parameters (default: the default backend)
   */
  constructor(
    normalizedShape: number | readonly number[],
    readonly eps = 1e-5,
    elementwiseAffine = true,
    options: { backend?: string } = {},
  ) {
    super();
    checkOptions('LayerNorm', options, { backend: true });
    const on = { backend: options.backend };
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.weight = elementwiseAffine ? tensor(ones(this.normalizedShape, on), { requiresGrad: true }) : null;
    this.bias = elementwiseAffine ? tensor(zeros(this.normalizedShape, on), { requiresGrad: true }) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.shape.slice(-k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(
        'LayerNorm.forward',
        `LayerNorm([${this.normalizedShape}]) expects inputs [..., ${this.normalizedShape}], got [${x.shape.join(',')}]`,
      );
    }
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    const normalized = x.sub(x.mean(axes, true)).div(x.var(axes, true).add(this.eps).sqrt());
    if (!this.weight || !this.bias) return normalized;
    return normalized.mul(this.weight).add(this.bias);
  }
}
