import {
  BackendError,
  checkOptions,
  DTypeError,
  type NDArray,
  type OptionNames,
  oneHot,
  ShapeError,
  softmaxCrossEntropyGrad,
  softmaxCrossEntropyRows,
  ValueError,
  where,
} from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import { Tensor } from '../tensor.js';

/** Options of `softmaxCrossEntropy`. */
export interface CrossEntropyOptions {
  /** Rows whose label equals this are skipped (no loss, no gradient). Default −100, as in PyTorch. */
  ignoreIndex?: number;
  /** Mixes the one-hot target with the uniform distribution: (1 − ε)·onehot + ε/C. Default 0. */
  labelSmoothing?: number;
  /** `mean` over non-ignored rows (default), `sum`, or `none` (one loss per row). */
  reduction?: 'mean' | 'sum' | 'none';
  /**
   * A float weight per class, shape `[C]` (PyTorch's `weight`), e.g. to counter class imbalance:
   * each target class c is weighted by `weight[c]`, so a row's loss is `−Σ_c w_c·t_c·log p_c`
   * (`w[y]·(−log p_y)` without smoothing), and `mean` divides by the total weight of the
   * non-ignored rows' labels, `Σ_i w[y_i]`, as PyTorch does. Not differentiated.
   */
  weight?: NDArray | Tensor;
}

const CROSS_ENTROPY_OPTIONS: OptionNames<CrossEntropyOptions> = {
  ignoreIndex: true,
  labelSmoothing: true,
  reduction: true,
  weight: true,
};

/**
 * Cross-entropy of softmax(logits) against integer class labels, fused and numerically stable:
 * the loss is computed from log-softmax (never log(softmax)), and the gradient with respect to the
 * logits is the closed form `softmax(logits)·Σ_c a_c − a` with `a` the (weighted) target, scaled by
 * the reduction — `softmax − target` without class weights.
 *
 * `logits` has shape `[..., C]` and `labels` (int32) the leading shape `[...]`. Labels must lie in
 * `[0, C)` or equal `ignoreIndex`: on backends that read back synchronously (CPU, WebAssembly) any
 * other label is a `ValueError`; where checking would stall a GPU (WebGPU) such a row's loss and
 * gradient are NaN instead, so the mistake shows in the loss rather than passing as 0.
 *
 * @example
 * const loss = softmaxCrossEntropy(model(x), labels); // mean over the batch
 * loss.backward();
 * const balanced = softmaxCrossEntropy(model(x), labels, { weight: fromArray([1, 5]) }); // rare class ×5
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: NDArray | Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const op = 'softmaxCrossEntropy';
  checkOptions(op, options, CROSS_ENTROPY_OPTIONS);
  const { ignoreIndex = -100, labelSmoothing = 0, reduction = 'mean' } = options;
  const y = labels instanceof Tensor ? labels.array : labels;
  if (logits.rank === 0) throw new ShapeError(op, 'logits must have a class axis, got a scalar');
  const C = logits.shape[logits.rank - 1]!;
  if (y.dtype !== 'int32' && y.dtype !== 'uint8') {
    throw new DTypeError(op, `labels must be int32 class indices, got ${y.dtype}`);
  }
  if (y.rank !== logits.rank - 1 || y.shape.some((d, i) => d !== logits.shape[i])) {
    throw new ShapeError(
      op,
      `labels of shape [${y.shape}] do not match logits of shape [${logits.shape}]; expected labels of shape [${logits.shape.slice(0, -1)}]`,
    );
  }
  if (y.backend !== logits.array.backend) {
    throw new BackendError(
      op,
      `labels live on '${y.backend.name}' but the logits on '${logits.array.backend.name}'; move them with .to('${logits.array.backend.name}')`,
    );
  }
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError(op, `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got ${String(reduction)}`);
  }
  const w = checkClassWeight(op, options.weight, C, logits);
  if (labelSmoothing === 0) return fusedCrossEntropy(logits, y, C, ignoreIndex, reduction, w);
  return record(op, [logits], (z) => {
    const flat = z.reshape(-1, C);
    const labels1d = y.cast('int32').reshape(-1);
    const { valid, safe, bad } = checkClassLabels(op, labels1d, C, ignoreIndex);
    const logp = flat.logSoftmax(-1);
    const target = oneHot(safe, C, z.dtype)
      .mul(1 - labelSmoothing)
      .add(labelSmoothing / C);
    const weighted = w === undefined ? target : target.mul(w.cast(z.dtype));
    let perRow = where(valid, logp.mul(weighted).sum(-1).neg(), 0);
    if (bad !== undefined) perRow = where(bad, Number.NaN, perRow);
    // mean: over the non-ignored rows, each counted with its label's weight (NaN if none, like PyTorch)
    const total =
      w === undefined
        ? valid.cast(z.dtype).sum()
        : where(valid, w.cast(z.dtype).indexSelect(0, safe), 0).sum();
    const out =
      reduction === 'none'
        ? perRow.reshape(y.shape)
        : reduction === 'sum'
          ? perRow.sum()
          : perRow.sum().div(total);
    return {
      out,
      saved: [logp, weighted, valid, total, ...(bad === undefined ? [] : [bad])],
      backward: (g, [lp, a, v, n, b]) => {
        const rowGrad = reduction === 'none' ? g.reshape(-1, 1) : reduction === 'sum' ? g : g.div(n!);
        // d/dz of −Σ_c a_c·log softmax(z)_c = softmax(z)·Σ_c a_c − a
        const perLogit = lp!.exp().mul(a!.sum(-1, true)).sub(a!).mul(rowGrad);
        const masked = where(v!.reshape(-1, 1), perLogit, 0);
        return [(b === undefined ? masked : where(b.reshape(-1, 1), Number.NaN, masked)).reshape(z.shape)];
      },
    };
  });
}

/**
 * Without label smoothing, a row's loss and gradient need only its log Σ exp: core-tensor's fused
 * softmaxCrossEntropyRows / softmaxCrossEntropyGrad (the backend's kernels where it has them) keep
 * no probability matrix, which matters over 15,000-word vocabularies. Same results as the general path.
 */
function fusedCrossEntropy(
  logits: Tensor,
  y: NDArray,
  C: number,
  ignoreIndex: number,
  reduction: 'mean' | 'sum' | 'none',
  w: NDArray | undefined,
): Tensor {
  const op = 'softmaxCrossEntropy';
  return record(op, [logits], (z) => {
    const flat = z.reshape(-1, C);
    const { valid, safe, bad } = checkClassLabels(op, y.cast('int32').reshape(-1), C, ignoreIndex);
    const { loss, max, logSum } = softmaxCrossEntropyRows(flat, safe);
    // each row's weight in the total: 0 where ignored, the class weight of its label (or 1)
    const rowWeight =
      w === undefined ? valid.cast(z.dtype) : where(valid, w.cast(z.dtype).indexSelect(0, safe), 0);
    let perRow = loss.mul(rowWeight);
    if (bad !== undefined) perRow = where(bad, Number.NaN, perRow);
    const total = rowWeight.sum();
    const out =
      reduction === 'none'
        ? perRow.reshape(y.shape)
        : reduction === 'sum'
          ? perRow.sum()
          : perRow.sum().div(total);
    return {
      out,
      saved: [flat, safe, max, logSum, rowWeight, total, ...(bad === undefined ? [] : [bad])],
      backward: (g, [zs, labels, m, l, rw, n, b]) => {
        let scale =
          reduction === 'none' ? rw!.mul(g.reshape(-1)) : rw!.mul(reduction === 'sum' ? g : g.div(n!));
        // a NaN scale makes the row's whole gradient NaN: one [N] select instead of one over [N, C]
        if (b !== undefined) scale = where(b, Number.NaN, scale);
        return [softmaxCrossEntropyGrad(zs!, labels!, { max: m!, logSum: l! }, scale).reshape(z.shape)];
      },
    };
  });
}

/**
 * Checks a per-class weight for a loss: a float32/float64 array of shape `[C]` on the input's
 * backend (a Tensor's array is taken; weights are not differentiated). Returns it, or `undefined`
 * when none was given. For writers of class-weighted losses (`nllLoss`, `crossEntropy`).
 *
 * @throws {DTypeError | ShapeError | BackendError} naming `op`, what was given and what is valid.
 *
 * @example
 * const w = checkClassWeight('myLoss', options.weight, logits.shape.at(-1)!, logits);
 */
export function checkClassWeight(
  op: string,
  weight: NDArray | Tensor | undefined,
  C: number,
  like: Tensor,
): NDArray | undefined {
  if (weight === undefined) return undefined;
  const w = weight instanceof Tensor ? weight.array : weight;
  if (w === null || typeof w !== 'object' || !('dtype' in w) || !('shape' in w)) {
    throw new ValueError(op, `weight must be an NDArray of shape [${C}], got ${typeof w}`);
  }
  if (w.dtype !== 'float32' && w.dtype !== 'float64') {
    throw new DTypeError(op, `weight must be float32 or float64 (one weight per class), got ${w.dtype}`);
  }
  if (w.rank !== 1 || w.shape[0] !== C) {
    throw new ShapeError(op, `weight must have shape [${C}] (one per class), got [${w.shape}]`);
  }
  if (w.backend !== like.array.backend) {
    throw new BackendError(
      op,
      `weight lives on '${w.backend.name}' but the input on '${like.array.backend.name}'; move it with .to('${like.array.backend.name}')`,
    );
  }
  return w;
}

/**
 * Checks int32 class labels for a loss over `C` classes. Returns which labels count (`valid`: not
 * `ignoreIndex`), the labels made safe to index with (ignored and out-of-range ones replaced by
 * 0), and — on backends that cannot read back synchronously (WebGPU) — the labels out of range
 * (`bad`), whose rows the loss should make NaN. Where labels can be read, an out-of-range label
 * throws instead. All three are bool/int32 arrays of the labels' shape; call inside a `tidy` scope.
 *
 * @throws {ValueError} naming `op`, the first bad label, its position and the valid range.
 *
 * @example
 * const { valid, safe, bad } = checkClassLabels('nllLoss', targets, C, -100);
 */
export function checkClassLabels(
  op: string,
  labels: NDArray,
  C: number,
  ignoreIndex: number,
): { valid: NDArray; safe: NDArray; bad: NDArray | undefined } {
  const valid = labels.ne(ignoreIndex);
  const outside = labels.lt(0).logicalOr(labels.ge(C)).logicalAnd(valid);
  if (labels.backend.readSync) {
    const flags = outside.dataSync();
    const at = flags.indexOf(1);
    if (at >= 0) {
      throw new ValueError(
        op,
        `label ${labels.dataSync()[at]} (at flat position ${at}) is out of range for ${C} classes; labels must lie in [0, ${C - 1}] (or equal ignoreIndex ${ignoreIndex})`,
      );
    }
    return { valid, safe: where(valid, labels, 0), bad: undefined };
  }
  // NOTE: reading the labels here would stall a GPU queue; poison those rows instead
  return { valid, safe: where(valid.logicalAnd(outside.logicalNot()), labels, 0), bad: outside };
}
