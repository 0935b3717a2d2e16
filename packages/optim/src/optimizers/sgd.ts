import type { NDArray } from '@mlblocks/core-tensor';
import { sgdStep, ValueError } from '@mlblocks/core-tensor';
import { Optimizer } from '../optimizer/optimizer.js';
import type { ParamState } from '../optimizer/param-state.js';
import type { OptimizerOptions, ParamGroup, Params } from '../optimizer/params.js';
import { checkBoolean, checkNumber } from '../optimizer/validate.js';

/** Hyperparameters of `SGD` (PyTorch's names and defaults, camelCased). */
export interface SGDOptions extends OptimizerOptions {
  /** Learning rate η (default 1e-3). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ of the gradient added into the momentum buffer (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs μ > 0 and τ = 0). */
  nesterov: boolean;
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay —
 * exactly PyTorch's `torch.optim.SGD` update. With gradient g, step t (from 1) and parameter θ:
 *
 * ```text
 * g ← g + λ·θ                                  (weight decay λ ≠ 0)
 * b ← g                        at t = 1        (momentum μ ≠ 0: the first buffer is the gradient)
 * b ← μ·b + (1 − τ)·g          at t > 1
 * g ← g + μ·b   (Nesterov)     or   g ← b      (otherwise)
 * θ ← θ − η·g
 * ```
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * loss.backward();
 * opt.step();
 * opt.zeroGrad();
 */
export class SGD extends Optimizer<SGDOptions> {
  protected readonly bufferNames = ['momentumBuffer'] as const;

  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }, options);
  }

  protected validateOptions(o: SGDOptions, where: string): void {
    checkNumber('SGD', where, 'lr', o.lr, { min: 0 });
    checkNumber('SGD', where, 'momentum', o.momentum, { min: 0 });
    checkNumber('SGD', where, 'dampening', o.dampening, { min: 0, max: 1 });
    checkNumber('SGD', where, 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean('SGD', where, 'nesterov', o.nesterov);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError(
        'SGD',
        `${where}: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum ${o.momentum} and dampening ${o.dampening}`,
      );
    }
  }

  protected requiredBuffers(o: SGDOptions): readonly string[] {
    return o.momentum !== 0 ? this.bufferNames : [];
  }

  protected update(param: NDArray, grad: NDArray, group: ParamGroup<SGDOptions>, state: ParamState): NDArray {
    const { lr, momentum, dampening, weightDecay, nesterov } = group;
    // one fused pass where the backend has it (core-tensor's sgdStep; its fallback is the same arithmetic)
    const [next, buffer] = sgdStep(
      param,
      grad,
      momentum !== 0 ? (state.get('momentumBuffer') ?? null) : null,
      {
        lr,
        momentum,
        dampening,
        weightDecay,
        nesterov,
      },
    );
    if (buffer) state.set('momentumBuffer', buffer);
    return next;
  }
}
