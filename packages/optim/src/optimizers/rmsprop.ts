import { type NDArray, zerosLike } from '@mlblocks/core-tensor';
import { Optimizer } from '../optimizer/optimizer.js';
import type { ParamState } from '../optimizer/param-state.js';
import type { OptimizerOptions, ParamGroup, Params } from '../optimizer/params.js';
import { checkBoolean, checkNumber } from '../optimizer/validate.js';

/** Hyperparameters of `RMSprop` (PyTorch's names and defaults, camelCased). */
export interface RMSpropOptions extends OptimizerOptions {
  /** Learning rate η (default 1e-2). */
  lr: number;
  /** Smoothing constant α of the running average of g² (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e), exactly PyTorch's `torch.optim.RMSprop`. With gradient g and
 * parameter θ, and the averages s, ḡ and buffer b starting at 0:
 *
 * ```text
 * g ← g + λ·θ                                  (weight decay λ ≠ 0)
 * s ← α·s + (1 − α)·g²
 * ḡ ← α·ḡ + (1 − α)·g,   d ← √(s − ḡ²) + ε      (centered)
 *                         d ← √s + ε            (otherwise)
 * b ← μ·b + g/d,   θ ← θ − η·b                  (momentum μ > 0)
 * θ ← θ − η·g/d                                (otherwise)
 * ```
 *
 * The state per parameter is `squareAvg` (s), and `gradAvg` (ḡ, centered) and `momentumBuffer`
 * (b, momentum) when used.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, alpha: 0.9 });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  protected readonly bufferNames = ['squareAvg', 'gradAvg', 'momentumBuffer'] as const;

  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(
      'RMSprop',
      params,
      {
        lr: 1e-2,
        alpha: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
      },
      options,
    );
  }

  protected validateOptions(o: RMSpropOptions, where: string): void {
    checkNumber('RMSprop', where, 'lr', o.lr, { min: 0 });
    checkNumber('RMSprop', where, 'alpha', o.alpha, { min: 0, max: 1 });
    checkNumber('RMSprop', where, 'eps', o.eps, { min: 0 });
    checkNumber('RMSprop', where, 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber('RMSprop', where, 'momentum', o.momentum, { min: 0 });
    checkBoolean('RMSprop', where, 'centered', o.centered);
  }

  protected requiredBuffers(o: RMSpropOptions): readonly string[] {
    return ['squareAvg', ...(o.centered ? ['gradAvg'] : []), ...(o.momentum > 0 ? ['momentumBuffer'] : [])];
  }

  protected update(
    param: NDArray,
    grad: NDArray,
    group: ParamGroup<RMSpropOptions>,
    state: ParamState,
  ): NDArray {
    const { lr, alpha, eps, weightDecay, momentum, centered } = group;
    const g = weightDecay !== 0 ? grad.add(param.mul(weightDecay)) : grad;
    const s = state.set(
      'squareAvg',
      (state.get('squareAvg') ?? zerosLike(param)).mul(alpha).add(g.square().mul(1 - alpha)),
    );
    let denom: NDArray;
    if (centered) {
      const mean = state.set(
        'gradAvg',
        (state.get('gradAvg') ?? zerosLike(param)).mul(alpha).add(g.mul(1 - alpha)),
      );
      denom = s.sub(mean.square()).sqrt().add(eps);
    } else {
      denom = s.sqrt().add(eps);
    }
    if (momentum > 0) {
      const buffer = state.set(
        'momentumBuffer',
        (state.get('momentumBuffer') ?? zerosLike(param)).mul(momentum).add(g.div(denom)),
      );
      return param.sub(buffer.mul(lr));
    }
    return param.sub(g.div(denom).mul(lr));
  }
}
