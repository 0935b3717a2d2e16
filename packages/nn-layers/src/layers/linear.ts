import { linear, type Tensor, tensor } from '@mlblocks/autograd';
import {
  checkActivation,
  checkOptions,
  type FusedActivation,
  type OptionNames,
  ShapeError,
} from '@mlblocks/core-tensor';
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
  /**
   * An activation applied to the output (`relu`, `tanh`, `sigmoid`; default `none`), as Keras'
   * `Dense(activation=…)`: the same values as `Linear` followed by the activation layer, computed
   * in one fused kernel on backends that have it (WebGPU, CPU) — fewer passes over memory.
   */
  activation?: FusedActivation;
}

const LINEAR_OPTIONS: OptionNames<LinearOptions> = { ...INIT_OPTIONS, bias: true, activation: true };

/**
 * The fully connected layer `y = x·Wᵀ + b` — the lesson's hypothesis `Wx + b`, applied to a batch
 * of row vectors. `weight` is `[outFeatures, inFeatures]` (PyTorch's layout). With `activation`,
 * `y = act(x·Wᵀ + b)`. Product, bias and activation are one op (autograd's `linear`).
 *
 * Initialisation as PyTorch: W ~ U(−1/√in, 1/√in) (Kaiming uniform with a = √5), b likewise.
 *
 * @example
 * const fc = new Linear(784, 10);
 * fc.forward(images).shape; // [batch, 10]
 * const hidden = new Linear(784, 256, { activation: 'relu' }); // relu(x·Wᵀ + b), one kernel
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;
  /** Applied after the bias (`none`: the plain affine map). */
  readonly activation: FusedActivation;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkOptions('Linear', options, LINEAR_OPTIONS);
    const init = initOptions(options);
    const activation = options.activation ?? 'none';
    checkActivation('Linear', activation);
    this.activation = activation;
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
    return linear(x, this.weight, this.bias, { activation: this.activation });
  }
}
