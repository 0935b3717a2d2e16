import type { Tensor } from '@mlblocks/autograd';
import { checkOptions, type NDArray } from '@mlblocks/core-tensor';
import {
  type BCEWithLogitsOptions,
  bceWithLogits,
  type CrossEntropyLossOptions,
  crossEntropy,
  mseLoss,
  type NLLLossOptions,
  nllLoss,
  type Reduction,
} from '../functional/losses.js';
import { Module } from '../module/module.js';

/**
 * Cross-entropy from logits; int32 class targets or probability targets, optional class
 * `weight`. See `crossEntropy`.
 */
export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyLossOptions = {}) {
    super();
    checkOptions('CrossEntropyLoss', options, {
      reduction: true,
      ignoreIndex: true,
      labelSmoothing: true,
      weight: true,
    });
  }
  forward(logits: Tensor, target: Tensor | NDArray): Tensor {
    return crossEntropy(logits, target, this.options);
  }
}

/** Negative log-likelihood from log-probabilities `[N, C]` and int32 targets `[N]`; see `nllLoss`. */
export class NLLLoss extends Module {
  constructor(readonly options: NLLLossOptions = {}) {
    super();
    checkOptions('NLLLoss', options, { reduction: true, ignoreIndex: true, weight: true });
  }
  forward(logProbs: Tensor, target: Tensor | NDArray): Tensor {
    return nllLoss(logProbs, target, this.options);
  }
}

/** Mean squared error. */
export class MSELoss extends Module {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
    checkOptions('MSELoss', options, { reduction: true });
  }
  forward(input: Tensor, target: Tensor | NDArray): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** Binary cross-entropy on logits, numerically stable, with `posWeight` and `weight`; see `bceWithLogits`. */
export class BCEWithLogitsLoss extends Module {
  constructor(readonly options: BCEWithLogitsOptions = {}) {
    super();
    checkOptions('BCEWithLogitsLoss', options, { reduction: true, posWeight: true, weight: true });
  }
  forward(logits: Tensor, target: Tensor | NDArray): Tensor {
    return bceWithLogits(logits, target, this.options);
  }
}
