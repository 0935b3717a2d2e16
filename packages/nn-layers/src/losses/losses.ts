import type { Tensor } from '@mlblocks/autograd';
import type { NDArray } from '@mlblocks/core-tensor';
import {
  bceWithLogits,
  type CrossEntropyLossOptions,
  crossEntropy,
  mseLoss,
  nllLoss,
  type Reduction,
} from '../functional/losses.js';
import { Module } from '../module/module.js';

/** Cross-entropy from logits; int32 class targets or probability targets. See `crossEntropy`. */
export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyLossOptions = {}) {
    super();
  }
  forward(logits: Tensor, target: Tensor | NDArray): Tensor {
    return crossEntropy(logits, target, this.options);
  }
}

/** Negative log-likelihood from log-probabilities `[N, C]` and int32 targets `[N]`. */
export class NLLLoss extends Module {
  constructor(readonly options: { reduction?: Reduction; ignoreIndex?: number } = {}) {
    super();
  }
  forward(logProbs: Tensor, target: Tensor | NDArray): Tensor {
    return nllLoss(logProbs, target, this.options);
  }
}

/** Mean squared error. */
export class MSELoss extends Module {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor | NDArray): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** Binary cross-entropy on logits, numerically stable. */
export class BCEWithLogitsLoss extends Module {
  constructor(readonly options: { reduction?: Reduction; posWeight?: number } = {}) {
    super();
  }
  forward(logits: Tensor, target: Tensor | NDArray): Tensor {
    return bceWithLogits(logits, target, this.options);
  }
}
