import { softmaxCrossEntropy, Tensor, where } from '@mlblocks/autograd';
import { DTypeError, type NDArray, ShapeError } from '@mlblocks/core-tensor';

/** How per-element losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

function arrayOf(t: Tensor | NDArray): NDArray {
  return t instanceof Tensor ? t.array : t;
}

function sameShape(op: string, a: Tensor, b: Tensor | NDArray): void {
  const s = b.shape;
  if (a.rank !== s.length || a.shape.some((d, i) => d !== s[i])) {
    throw new ShapeError(
      op,
      `input [${a.shape.join(',')}] and target [${s.join(',')}] must have the same shape`,
    );
  }
}

/** Options of `crossEntropy`. */
export interface CrossEntropyLossOptions {
  reduction?: Reduction;
  /** Integer targets equal to this are skipped. Default −100. */
  ignoreIndex?: number;
  /** ε in (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy from logits `[..., C]`. Targets are either int32 class indices `[...]` (the fused,
 * stable softmax-cross-entropy) or class probabilities with the logits' shape.
 */
export function crossEntropy(
  logits: Tensor,
  target: Tensor | NDArray,
  options: CrossEntropyLossOptions = {},
): Tensor {
  const { reduction = 'mean', ignoreIndex = -100, labelSmoothing = 0 } = options;
  const t = arrayOf(target);
  if (t.dtype === 'int32' || t.dtype === 'uint8')
    return softmaxCrossEntropy(logits, t, { reduction, ignoreIndex, labelSmoothing });
  sameShape('crossEntropy', logits, t);
  const C = logits.shape[logits.rank - 1]!;
  const probs = labelSmoothing > 0 ? t.mul(1 - labelSmoothing).add(labelSmoothing / C) : t;
  const perRow = logits
    .logSoftmax(-1)
    .mul(new Tensor(probs === t ? t.ref() : probs))
    .sum(-1)
    .neg();
  return reduce(perRow, reduction);
}

/** Negative log-likelihood of int32 targets `[N]` given log-probabilities `[N, C]`. */
export function nllLoss(
  logProbs: Tensor,
  target: Tensor | NDArray,
  options: { reduction?: Reduction; ignoreIndex?: number } = {},
): Tensor {
  const { reduction = 'mean', ignoreIndex = -100 } = options;
  const t = arrayOf(target);
  if (t.dtype !== 'int32')
    throw new DTypeError('nllLoss', `target must be int32 class indices, got ${t.dtype}`);
  if (logProbs.rank !== 2 || t.rank !== 1 || t.shape[0] !== logProbs.shape[0]) {
    throw new ShapeError(
      'nllLoss',
      `expects log-probabilities [N, C] and targets [N], got [${logProbs.shape}] and [${t.shape}]`,
    );
  }
  const valid = t.ne(ignoreIndex);
  const safe = t.mul(valid.cast('int32'));
  const picked = logProbs.gather(1, safe.reshape(-1, 1)).reshape(-1).neg();
  const masked = where(valid, picked, 0);
  if (reduction === 'mean') return masked.sum().div(new Tensor(valid.cast(logProbs.dtype).sum())); // NaN if all ignored
  return reduce(masked, reduction);
}

/** Mean squared error `(input − target)²`. */
export function mseLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: { reduction?: Reduction } = {},
): Tensor {
  sameShape('mseLoss', input, target);
  const t = target instanceof Tensor ? target : new Tensor(target.ref()); // a handle of our own: the caller keeps theirs
  return reduce(input.sub(t).square(), options.reduction ?? 'mean');
}

/**
 * Binary cross-entropy on logits, computed stably as max(z, 0) − z·y + log(1 + e^(−|z|)),
 * so large |z| never overflows (unlike sigmoid followed by log).
 */
export function bceWithLogits(
  logits: Tensor,
  target: Tensor | NDArray,
  options: { reduction?: Reduction; posWeight?: number } = {},
): Tensor {
  sameShape('bceWithLogits', logits, target);
  const y = target instanceof Tensor ? target : new Tensor(target.ref());
  const { posWeight = 1 } = options;
  const softplusNeg = logits.abs().neg().exp().add(1).log(); // log(1 + e^(−|z|))
  let loss = logits.maximum(0).sub(logits.mul(y)).add(softplusNeg);
  if (posWeight !== 1) {
    // PyTorch's pos_weight scales the positive term: (1 + (w − 1)·y) multiplies log σ terms
    const logSigmoidNeg = logits.maximum(0).add(softplusNeg); // −log σ(−z) = log(1 + e^z)
    const logSigmoidPos = logSigmoidNeg.sub(logits); // −log σ(z)
    loss = y.mul(posWeight).mul(logSigmoidPos).add(y.neg().add(1).mul(logSigmoidNeg));
  }
  return reduce(loss, options.reduction ?? 'mean');
}
