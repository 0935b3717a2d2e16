import {
  checkClassLabels,
  checkClassWeight,
  noGrad,
  softmaxCrossEntropy,
  Tensor,
  where,
} from '@mlblocks/autograd';
import {
  BackendError,
  broadcastShapes,
  checkOptions,
  DTypeError,
  type NDArray,
  type OptionNames,
  ShapeError,
  tidy,
  ValueError,
  where as whereArray,
} from '@mlblocks/core-tensor';

/** How per-element losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(op: string, reduction: unknown): asserts reduction is Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got ${String(reduction)}`);
  }
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

function arrayOf(t: Tensor | NDArray): NDArray {
  return t instanceof Tensor ? t.array : t;
}

const isIndexDType = (dtype: string) => dtype === 'int32' || dtype === 'uint8';

function sameShape(op: string, a: Tensor, b: Tensor | NDArray): void {
  const s = b.shape;
  if (a.rank !== s.length || a.shape.some((d, i) => d !== s[i])) {
    throw new ShapeError(
      op,
      `input [${a.shape.join(',')}] and target [${s.join(',')}] must have the same shape`,
    );
  }
}

// A float array (or Tensor) that broadcasts to `shape`, on `like`'s backend, as a constant Tensor.
function broadcastWeight(op: string, name: string, w: NDArray | Tensor, like: Tensor): Tensor {
  const array = arrayOf(w);
  if (array.dtype !== 'float32' && array.dtype !== 'float64') {
    throw new DTypeError(op, `${name} must be float32 or float64, got ${array.dtype}`);
  }
  if (array.backend !== like.array.backend) {
    throw new BackendError(
      op,
      `${name} lives on '${array.backend.name}' but the input on '${like.array.backend.name}'; move it with .to('${like.array.backend.name}')`,
    );
  }
  let fits: boolean;
  try {
    const out = broadcastShapes(op, array.shape, like.shape);
    fits = out.length === like.rank && out.every((d, i) => d === like.shape[i]);
  } catch {
    fits = false;
  }
  if (!fits) {
    throw new ShapeError(
      op,
      `${name} of shape [${array.shape}] does not broadcast to the input's shape [${like.shape}]`,
    );
  }
  return new Tensor(array.ref());
}

/** Options of `crossEntropy` and `CrossEntropyLoss` (PyTorch's, in camelCase). */
export interface CrossEntropyLossOptions {
  /** `mean` (default), `sum` or `none`. */
  reduction?: Reduction;
  /** Integer targets equal to this are skipped. Default −100. */
  ignoreIndex?: number;
  /** ε in (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
  /**
   * A float weight per class, shape `[C]` (PyTorch's `weight`). With class-index targets `mean`
   * divides by the total weight of the targets' classes; with probability targets each class's
   * term is weighted and `mean` divides by the number of rows, as in PyTorch.
   */
  weight?: NDArray | Tensor;
}

const CROSS_ENTROPY_OPTIONS: OptionNames<CrossEntropyLossOptions> = {
  reduction: true,
  ignoreIndex: true,
  labelSmoothing: true,
  weight: true,
};

/**
 * Cross-entropy from logits `[..., C]`. Targets are either int32 class indices `[...]` (the fused,
 * stable softmax-cross-entropy) or class probabilities with the logits' shape.
 *
 * @example
 * crossEntropy(logits, labels);                                   // mean over the batch
 * crossEntropy(logits, labels, { weight: fromArray([1, 1, 4]) }); // class 2 counts four times
 */
export function crossEntropy(
  logits: Tensor,
  target: Tensor | NDArray,
  options: CrossEntropyLossOptions = {},
): Tensor {
  const op = 'crossEntropy';
  checkOptions(op, options, CROSS_ENTROPY_OPTIONS);
  const { reduction = 'mean', ignoreIndex = -100, labelSmoothing = 0, weight } = options;
  checkReduction(op, reduction);
  const t = arrayOf(target);
  if (isIndexDType(t.dtype))
    return softmaxCrossEntropy(logits, t, { reduction, ignoreIndex, labelSmoothing, weight });
  if (logits.rank === 0) throw new ShapeError(op, 'logits must have a class axis, got a scalar');
  const lead = logits.shape.slice(0, -1);
  if (t.rank === lead.length && t.shape.every((d, i) => d === lead[i])) {
    throw new DTypeError(
      op,
      `class-index targets [${t.shape}] must be int32 (or uint8), got ${t.dtype}; cast them with .cast('int32'), or pass class probabilities of the logits' shape [${logits.shape}]`,
    );
  }
  if (t.rank !== logits.rank || t.shape.some((d, i) => d !== logits.shape[i])) {
    throw new ShapeError(
      op,
      `target [${t.shape}] fits neither class indices [${lead}] (int32) nor class probabilities [${logits.shape}] for logits [${logits.shape}]`,
    );
  }
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError(op, `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
  const C = logits.shape[logits.rank - 1]!;
  const w = checkClassWeight(op, weight, C, logits);
  const probs = tidy(() => {
    const smoothed = labelSmoothing > 0 ? t.mul(1 - labelSmoothing).add(labelSmoothing / C) : t.ref();
    return w === undefined ? smoothed : smoothed.mul(w.cast(smoothed.dtype));
  });
  const perRow = logits.logSoftmax(-1).mul(new Tensor(probs)).sum(-1).neg();
  return reduce(perRow, reduction);
}

/** Options of `nllLoss` and `NLLLoss`. */
export interface NLLLossOptions {
  /** `mean` (default; divided by the total weight of the targets' classes), `sum` or `none`. */
  reduction?: Reduction;
  /** Targets equal to this are skipped. Default −100. */
  ignoreIndex?: number;
  /** A float weight per class, shape `[C]` (PyTorch's `weight`). */
  weight?: NDArray | Tensor;
}

const NLL_OPTIONS: OptionNames<NLLLossOptions> = { reduction: true, ignoreIndex: true, weight: true };

/**
 * Negative log-likelihood of int32 targets `[N]` given log-probabilities `[N, C]`:
 * `−w[y_i]·logProbs[i, y_i]` per row, with `mean` dividing by `Σ_i w[y_i]` over the non-ignored
 * rows (the row count without weights), as PyTorch. Targets must lie in `[0, C)` or equal
 * `ignoreIndex` (a `ValueError` where they can be read; NaN rows on WebGPU).
 *
 * @example
 * nllLoss(logits.logSoftmax(-1), labels, { weight: fromArray([0.2, 0.8]) });
 */
export function nllLoss(logProbs: Tensor, target: Tensor | NDArray, options: NLLLossOptions = {}): Tensor {
  const op = 'nllLoss';
  checkOptions(op, options, NLL_OPTIONS);
  const { reduction = 'mean', ignoreIndex = -100, weight } = options;
  checkReduction(op, reduction);
  const t = arrayOf(target);
  if (t.dtype !== 'int32') throw new DTypeError(op, `target must be int32 class indices, got ${t.dtype}`);
  if (logProbs.rank !== 2 || t.rank !== 1 || t.shape[0] !== logProbs.shape[0]) {
    throw new ShapeError(
      op,
      `expects log-probabilities [N, C] and targets [N], got [${logProbs.shape}] and [${t.shape}]`,
    );
  }
  if (t.backend !== logProbs.array.backend) {
    throw new BackendError(
      op,
      `targets live on '${t.backend.name}' but the log-probabilities on '${logProbs.array.backend.name}'; move them with .to('${logProbs.array.backend.name}')`,
    );
  }
  const C = logProbs.shape[1]!;
  const w = checkClassWeight(op, weight, C, logProbs);
  const { valid, safe, bad, rowWeight } = tidy(() => {
    const checked = checkClassLabels(op, t, C, ignoreIndex);
    const dtype = logProbs.dtype;
    const picked = w === undefined ? checked.valid.cast(dtype) : w.cast(dtype).indexSelect(0, checked.safe);
    return { ...checked, rowWeight: whereArray(checked.valid, picked, 0) };
  });
  try {
    const picked = logProbs.gather(1, safe.reshape(-1, 1)).reshape(-1).neg();
    let perRow = picked.mul(new Tensor(rowWeight.ref()));
    if (bad !== undefined) perRow = where(bad, Number.NaN, perRow);
    if (reduction !== 'mean') return reduce(perRow, reduction);
    const total = noGrad(() => rowWeight.sum()); // NaN when every row is ignored, as PyTorch
    return perRow.sum().div(new Tensor(total));
  } finally {
    for (const a of [valid, safe, bad, rowWeight]) a?.dispose();
  }
}

/** Mean squared error `(input − target)²`. */
export function mseLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: { reduction?: Reduction } = {},
): Tensor {
  checkOptions('mseLoss', options, { reduction: true });
  const reduction = options.reduction ?? 'mean';
  checkReduction('mseLoss', reduction);
  sameShape('mseLoss', input, target);
  const t = target instanceof Tensor ? target : new Tensor(target.ref()); // a handle of our own: the caller keeps theirs
  return reduce(input.sub(t).square(), reduction);
}

/** Options of `bceWithLogits` and `BCEWithLogitsLoss` (PyTorch's, in camelCase). */
export interface BCEWithLogitsOptions {
  /** `mean` (default, over every element), `sum` or `none`. */
  reduction?: Reduction;
  /**
   * Weight of the positive term, PyTorch's `pos_weight`: a number, or a float array that
   * broadcasts to the input — typically `[C]`, one per class (the last axis), e.g.
   * negatives/positives of each class to balance a multi-label problem.
   */
  posWeight?: number | NDArray | Tensor;
  /** A float array that broadcasts to the input and rescales each element's loss (PyTorch's `weight`). */
  weight?: NDArray | Tensor;
}

const BCE_OPTIONS: OptionNames<BCEWithLogitsOptions> = { reduction: true, posWeight: true, weight: true };

/**
 * Binary cross-entropy on logits, computed stably as max(z, 0) − z·y + log(1 + e^(−|z|)),
 * so large |z| never overflows (unlike sigmoid followed by log). With `posWeight` p and `weight`
 * w, each element's loss is `w·[p·y·(−log σ(z)) + (1 − y)·(−log(1 − σ(z)))]`, as PyTorch.
 *
 * @example
 * bceWithLogits(logits, targets, { posWeight: fromArray([3, 1, 10]) }); // per-class positive weights
 */
export function bceWithLogits(
  logits: Tensor,
  target: Tensor | NDArray,
  options: BCEWithLogitsOptions = {},
): Tensor {
  const op = 'bceWithLogits';
  checkOptions(op, options, BCE_OPTIONS);
  const { reduction = 'mean', posWeight = 1, weight } = options;
  checkReduction(op, reduction);
  sameShape(op, logits, target);
  if (typeof posWeight === 'number' && !Number.isFinite(posWeight)) {
    throw new ValueError(op, `posWeight must be a finite number or a float array, got ${posWeight}`);
  }
  const p = typeof posWeight === 'number' ? posWeight : broadcastWeight(op, 'posWeight', posWeight, logits);
  const w = weight === undefined ? undefined : broadcastWeight(op, 'weight', weight, logits);
  const y = target instanceof Tensor ? target : new Tensor(target.ref());
  const softplusNeg = logits.abs().neg().exp().add(1).log(); // log(1 + e^(−|z|))
  let loss = logits.maximum(0).sub(logits.mul(y)).add(softplusNeg);
  if (p !== 1) {
    // PyTorch's pos_weight scales the positive term: p·y·(−log σ(z)) + (1 − y)·(−log σ(−z))
    const logSigmoidNeg = logits.maximum(0).add(softplusNeg); // −log σ(−z) = log(1 + e^z)
    const logSigmoidPos = logSigmoidNeg.sub(logits); // −log σ(z)
    loss = y.mul(p).mul(logSigmoidPos).add(y.neg().add(1).mul(logSigmoidNeg));
  }
  if (w !== undefined) loss = loss.mul(w);
  return reduce(loss, reduction);
}
