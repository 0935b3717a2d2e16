import type { NDArray } from '@mlblocks/core-tensor';
import { Optimizer } from '../optimizer/optimizer.js';
import type { ParamState } from '../optimizer/param-state.js';
import type { ParamGroup, Params } from '../optimizer/params.js';
import { ADAM_BUFFERS, type AdamOptions, adamRequiredBuffers, adamUpdate, validateAdam } from './adam.js';

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, exactly PyTorch's
 * `torch.optim.AdamW`. The decay shrinks the weights directly instead of entering the gradient, so
 * it is not rescaled by the adaptive denominator:
 *
 * ```text
 * θ ← θ·(1 − η·λ)                                  (decoupled weight decay, default λ = 0.01)
 * m ← β₁·m + (1 − β₁)·g
 * v ← β₂·v + (1 − β₂)·g²
 * v̂ ← max(v̂, v)  (AMSGrad)   or   v̂ ← v
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.05 });
 */
export class AdamW extends Optimizer<AdamOptions> {
  protected readonly bufferNames = ADAM_BUFFERS;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(
      'AdamW',
      params,
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0.01,
        amsgrad: false,
      },
      options,
    );
  }

  protected validateOptions(o: AdamOptions, where: string): void {
    validateAdam('AdamW', o, where);
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
    return adamUpdate(param, grad, group, state, true);
  }
}
