import { DTypeError, type NDArray, oneHot, ShapeError, ValueError, where } from '@mlblocks/core-tensor';
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
}

/**
 * Cross-entropy of softmax(logits) against integer class labels, fused and numerically stable:
 * the loss is computed from log-softmax (never log(softmax)), and the gradient with respect to the
 * logits is the closed form `softmax(logits) − target`, scaled by the reduction.
 *
 * `logits` has shape `[..., C]` and `labels` (int32) the leading shape `[...]`.
 *
 * @example
 * const loss = softmaxCrossEntropy(model(x), labels); // mean over the batch
 * loss.backward();
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: NDArray | Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const { ignoreIndex = -100, labelSmoothing = 0, reduction = 'mean' } = options;
  const y = labels instanceof Tensor ? labels.array : labels;
  const C = logits.shape[logits.rank - 1]!;
  if (y.dtype !== 'int32' && y.dtype !== 'uint8') {
    throw new DTypeError('softmaxCrossEntropy', `labels must be int32 class indices, got ${y.dtype}`);
  }
  if (y.rank !== logits.rank - 1 || y.shape.some((d, i) => d !== logits.shape[i])) {
    throw new ShapeError(
      'softmaxCrossEntropy',
      `labels of shape [${y.shape}] do not match logits of shape [${logits.shape}]; expected labels of shape [${logits.shape.slice(0, -1)}]`,
    );
  }
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError('softmaxCrossEntropy', `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
  return record('softmaxCrossEntropy', [logits], (z) => {
    const flat = z.reshape(-1, C);
    const labels1d = y.cast('int32').reshape(-1);
    const valid = labels1d.ne(ignoreIndex);
    const safe = where(valid, labels1d, 0); // any class index; the row is masked out anyway
    // checking label values reads them back: only where that does not stall a GPU
    if (z.backend.readSync && safe.ge(C).logicalOr(safe.lt(0)).sum().item() > 0) {
      throw new ValueError(
        'softmaxCrossEntropy',
        `labels must lie in [0, ${C - 1}] (or equal ignoreIndex ${ignoreIndex})`,
      );
    }
    const logp = flat.logSoftmax(-1);
    const target = oneHot(safe, C, z.dtype)
      .mul(1 - labelSmoothing)
      .add(labelSmoothing / C);
    const perRow = where(valid, logp.mul(target).sum(-1).neg(), 0);
    // the mean divides by the number of non-ignored rows (NaN if there are none, like PyTorch)
    const count = valid.cast(z.dtype).sum();
    const out =
      reduction === 'none'
        ? perRow.reshape(y.shape)
        : reduction === 'sum'
          ? perRow.sum()
          : perRow.sum().div(count);
    return {
      out,
      saved: [logp, target, valid, count],
      backward: (g, [lp, t, v, n]) => {
        const rowGrad = reduction === 'none' ? g.reshape(-1, 1) : reduction === 'sum' ? g : g.div(n!);
        const perLogit = lp!.exp().sub(t!).mul(rowGrad);
        return [where(v!.reshape(-1, 1), perLogit, 0).reshape(z.shape)];
      },
    };
  });
}
