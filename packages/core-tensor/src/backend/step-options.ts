/**
 * The hyperparameters of one fused optimizer step, as a backend's `adamUpdate`/`sgdUpdate` and
 * the NDArray layer's `adamStep`/`sgdStep` take them: the optimizer resolves its options and the
 * step count into these numbers.
 */

/** One Adam/AdamW step (see `adamStep`). */
export interface AdamStepOptions {
  /** Decay rate of the gradient's running average. */
  beta1: number;
  /** Decay rate of the squared gradient's running average. */
  beta2: number;
  /** Added to the denominator. */
  eps: number;
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  bias2Sqrt: number;
  /** L2 weight decay added to the gradient (Adam): g + λ·param; 0 for none. */
  weightDecay: number;
  /** The parameter is first multiplied by this (AdamW's decoupled decay 1 − lr·λ); 1 for none. */
  paramScale: number;
}

/** One SGD step (see `sgdStep`). */
export interface SgdStepOptions {
  /** Learning rate. */
  lr: number;
  /** Momentum factor; 0 for plain SGD. */
  momentum: number;
  /** Dampening of the gradient in the momentum buffer. */
  dampening: number;
  /** L2 weight decay added to the gradient; 0 for none. */
  weightDecay: number;
  /** Nesterov momentum. */
  nesterov: boolean;
}
