import { type Tensor, tensor } from '@mlblocks/autograd';
import { checkOptions, type OptionNames, ShapeError } from '@mlblocks/core-tensor';
import {
  INIT_OPTIONS,
  type InitOptions,
  initOptions,
  kaimingUniform,
  uniform,
} from '../init/initializers.js';
import { Module } from '../module/module.js';

/** Options of `Linear`. */
export interface LinearOptions extends InitOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

const LINEAR_OPTIONS: OptionNames<LinearOptions> = { ...INIT_OPTIONS, bias: true };

/**
 * The fully connected layer `y = x·Wᵀ + b` — the lesson's hypothesis `Wx + b`, applied to a batch
 * of row vectors. `weight` is `[outFeatures, inFeatures]` (PyTorch's layout).
 *
 * Initialisation as PyTorch: W ~ U(−1/√in, 1/√in) (Kaiming uniform with a = √5), b likewise.
 *
 * @example
 * const fc = new Linear(784, 10);
 * fc.forward(images).shape; // [batch, 10]
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkOptions('Linear', options, LINEAR_OPTIONS);
    const init = initOptions(options);
    this.weight = tensor(kaimingUniform([outFeatures, inFeatures], { ...init, a: Math.sqrt(5) }), {
      requiresGrad: true,
    });
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias =
      options.bias === false
        ? null
        : tensor(uniform([outFeatures], -bound, bound, init), { requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(
        'Linear.forward',
        `Linear(${this.inFeatures} → ${this.outFeatures}) expects inputs of shape [..., ${this.inFeatures}], got [${x.shape.join(',')}]`,
      );
    }
    const y = x.matmul(this.weight.transpose());
    return this.bias ? y.add(this.bias) : y;
  }
}
