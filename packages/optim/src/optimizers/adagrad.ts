import { full, type NDArray } from '@mlblocks/core-tensor';
import { Optimizer } from '../optimizer/optimizer.js';
import type { ParamState } from '../optimizer/param-state.js';
import type { OptimizerOptions, ParamGroup, Params } from '../optimizer/params.js';
import { checkNumber } from '../optimizer/validate.js';

/** Hyperparameters of `Adagrad` (PyTorch's names and defaults, camelCased). */
export interface AdagradOptions extends OptimizerOptions {
  /** Learning rate η (default 1e-2). */
  lr: number;
  /** Learning-rate decay δ: step t uses η / (1 + (t − 1)·δ) (default 0). */
  lrDecay: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** The value the sum of squared gradients starts from (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
}

/**
 * Adagrad (Duchi et al., 2011), exactly PyTorch's `torch.optim.Adagrad`. With gradient g, step t
 * (from 1), parameter θ, and the accumulator S starting at `initialAccumulatorValue`:
 *
 * ```text
 * g ← g + λ·θ                                  (weight decay λ ≠ 0)
 * η_t = η / (1 + (t − 1)·δ)
 * S ← S + g²
 * θ ← θ − η_t · g / (√S + ε)
 * ```
 *
 * The state per parameter is `sum` (S).
 *
 * @example
 * const opt = new Adagrad(embedding.parameters(), { lr: 0.05 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  protected readonly bufferNames = ['sum'] as const;

  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(
      'Adagrad',
      params,
      {
        lr: 1e-2,
        lrDecay: 0,
        weightDecay: 0,
        initialAccumulatorValue: 0,
        eps: 1e-10,
      },
      options,
    );
  }

  protected validateOptions(o: AdagradOptions, where: string): void {
    checkNumber('Adagrad', where, 'lr', o.lr, { min: 0 });
    checkNumber('Adagrad', where, 'lrDecay', o.lrDecay, { min: 0 });
    checkNumber('Adagrad', where, 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber('Adagrad', where, 'initialAccumulatorValue', o.initialAccumulatorValue, { min: 0 });
    checkNumber('Adagrad', where, 'eps', o.eps, { min: 0 });
  }

  protected requiredBuffers(): readonly string[] {
    return this.bufferNames;
  }

  protected update(
    param: NDArray,
    grad: NDArray,
    group: ParamGroup<AdagradOptions>,
    state: ParamState,
  ): NDArray {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps } = group;
    const g = weightDecay !== 0 ? grad.add(param.mul(weightDecay)) : grad;
    const clr = lr / (1 + (state.step - 1) * lrDecay);
    const start =
      state.get('sum') ??
      full(param.shape, initialAccumulatorValue, { dtype: param.dtype, backend: param.backend.name });
    const sum = state.set('sum', start.add(g.square()));
    return param.sub(g.div(sum.sqrt().add(eps)).mul(clr));
  }
}
