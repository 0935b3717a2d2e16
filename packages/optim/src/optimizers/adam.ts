import { adamStep, type NDArray, ValueError, zerosLike } from '@mlblocks/core-tensor';
import { Optimizer } from '../optimizer/optimizer.js';
import type { ParamState } from '../optimizer/param-state.js';
import type { OptimizerOptions, ParamGroup, Params } from '../optimizer/params.js';
import { checkBoolean, checkNumber } from '../optimizer/validate.js';

/** Hyperparameters of `Adam` and `AdamW` (PyTorch's names and defaults, camelCased). */
export interface AdamOptions extends OptimizerOptions {
  /** Learning rate η (default 1e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay λ: an L2 term in the gradient for Adam (default 0), decoupled for AdamW (default 0.01). */
  weightDecay: number;
  /** Use the maximum of all second-moment estimates so far (AMSGrad; default false). */
  amsgrad: boolean;
}

/** The per-parameter state of Adam and AdamW (maxExpAvgSq only with AMSGrad). */
export const ADAM_BUFFERS = ['expAvg', 'expAvgSq', 'maxExpAvgSq'] as const;

/** @internal Checks Adam/AdamW hyperparameters. */
export function validateAdam(op: string, o: AdamOptions, where: string): void {
  checkNumber(op, where, 'lr', o.lr, { min: 0 });
  if (!Array.isArray(o.betas) || o.betas.length !== 2) {
    throw new ValueError(op, `${where}: betas must be a pair [β₁, β₂], got ${String(o.betas)}`);
  }
  checkNumber(op, where, 'betas[0]', o.betas[0], { min: 0, below: 1 });
  checkNumber(op, where, 'betas[1]', o.betas[1], { min: 0, below: 1 });
  checkNumber(op, where, 'eps', o.eps, { min: 0 });
  checkNumber(op, where, 'weightDecay', o.weightDecay, { min: 0 });
  checkBoolean(op, where, 'amsgrad', o.amsgrad);
}

/**
 * @internal The Adam step shared by Adam and AdamW; `decoupled` selects AdamW's weight decay
 * (θ ← θ·(1 − η·λ) before the step) over Adam's L2 term (g ← g + λ·θ).
 */
export function adamUpdate(
  param: NDArray,
  grad: NDArray,
  group: AdamOptions,
  state: ParamState,
  decoupled: boolean,
): NDArray {
  const { lr, betas, eps, weightDecay, amsgrad } = group;
  const [beta1, beta2] = betas;
  const t = state.step;
  const stepSize = lr / (1 - beta1 ** t);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** t);
  if (!amsgrad) {
    // one fused pass where the backend has it (core-tensor's adamStep; its fallback is the same arithmetic)
    const [next, m, v] = adamStep(
      param,
      grad,
      state.get('expAvg') ?? zerosLike(param),
      state.get('expAvgSq') ?? zerosLike(param),
      {
        beta1,
        beta2,
        eps,
        stepSize,
        bias2Sqrt,
        weightDecay: decoupled ? 0 : weightDecay,
        paramScale: decoupled && weightDecay !== 0 ? 1 - lr * weightDecay : 1,
      },
    );
    state.set('expAvg', m);
    state.set('expAvgSq', v);
    return next;
  }
  let g = grad;
  if (weightDecay !== 0) {
    if (decoupled) param = param.mul(1 - lr * weightDecay);
    else g = g.add(param.mul(weightDecay));
  }
  const m = state.set('expAvg', (state.get('expAvg') ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1)));
  const v = state.set(
    'expAvgSq',
    (state.get('expAvgSq') ?? zerosLike(param)).mul(beta2).add(g.square().mul(1 - beta2)),
  );
  const second = state.set('maxExpAvgSq', (state.get('maxExpAvgSq') ?? zerosLike(param)).maximum(v));
  const denom = second.sqrt().div(bias2Sqrt).add(eps);
  return param.sub(m.div(denom).mul(stepSize));
}

export function adamRequiredBuffers(o: AdamOptions): readonly string[] {
  return o.amsgrad ? ADAM_BUFFERS : ADAM_BUFFERS.slice(0, 2);
}

/**
 * Adam (Kingma & Ba, 2015), exactly PyTorch's `torch.optim.Adam` update. With gradient g, step t
 * (from 1), parameter θ, and running averages m, v starting at 0:
 *
 * ```text
 * g ← g + λ·θ                                      (weight decay λ ≠ 0: an L2 term)
 * m ← β₁·m + (1 − β₁)·g
 * v ← β₂·v + (1 − β₂)·g²
 * v̂ ← max(v̂, v)  (AMSGrad, v̂ starts at 0)   or   v̂ ← v
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * The state per parameter is `expAvg` (m), `expAvgSq` (v) and, with AMSGrad, `maxExpAvgSq` (v̂).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  protected readonly bufferNames = ADAM_BUFFERS;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(
      'Adam',
      params,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
      options,
    );
  }

  protected validateOptions(o: AdamOptions, where: string): void {
    validateAdam('Adam', o, where);
  }

  protected requiredBuffers(o: AdamOptions): readonly string[] {
    return adamRequiredBuffers(o);
  }

  protected update(
    param: NDArray,
    grad: NDArray,
    group: ParamGroup<AdamOptions>,
    state: ParamState,
  ): NDArray {
    return adamUpdate(param, grad, group, state, false);
  }
}
