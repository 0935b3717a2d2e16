import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { fusedKernel } from '../runtime/fusion.js';
import { binary, sameBackend, unary } from './elementwise.js';
import { oneHot } from './indexing.js';
import { NDArray } from './ndarray.js';

/**
 * Softmax cross-entropy fused: a row's loss needs only its maximum and log Σ exp, and so does the
 * gradient — no probability matrix is kept between the passes, which matters when the rows are
 * 15,000-word vocabularies. The backend's `softmaxCrossEntropy` / `softmaxCrossEntropyGrad`
 * kernels where it has them, else the composition below (the readable reference).
 */

/** What the backward pass of a row's cross-entropy needs: its maximum and log Σ exp(x − max). */
export interface RowNormalizer {
  max: NDArray;
  logSum: NDArray;
}

function check(op: string, logits: NDArray, labels: NDArray, rows: readonly NDArray[] = []): void {
  if (logits.rank !== 2) throw new ShapeError(op, `expects logits [N, C], got ${fmtShape(logits.shape)}`);
  if (logits.dtype !== 'float32' && logits.dtype !== 'float64')
    throw new DTypeError(op, `needs float logits, got ${logits.dtype}`);
  if (labels.dtype !== 'int32')
    throw new DTypeError(op, `labels must be int32 class indices, got ${labels.dtype}`);
  for (const a of [labels, ...rows]) {
    sameBackend(op, logits, a);
    if (a.rank !== 1 || a.shape[0] !== logits.shape[0])
      throw new ShapeError(
        op,
        `per-row operands must be [${logits.shape[0]}] for logits ${fmtShape(logits.shape)}, got ${fmtShape(a.shape)}`,
      );
  }
  for (const a of rows)
    if (a.dtype !== logits.dtype)
      throw new DTypeError(op, `per-row operands must be ${logits.dtype}, got ${a.dtype}`);
}

/**
 * Cross-entropy of each row of `logits` `[N, C]` against `labels` `[N]` (int32, in [0, C)):
 * `loss` `[N]` = (max − logits[label]) + log Σ exp(logits − max), and the row's normaliser.
 */
export function softmaxCrossEntropyRows(logits: NDArray, labels: NDArray): { loss: NDArray } & RowNormalizer {
  check('softmaxCrossEntropy', logits, labels);
  return tidy(() => {
    const [z, y] = [logits.contiguous(), labels.contiguous()];
    const kernel = fusedKernel(logits.backend, 'softmaxCrossEntropy');
    if (kernel) {
      const out = kernel.call(logits.backend, z.view('softmaxCrossEntropy'), y.view('softmaxCrossEntropy'));
      const [loss, max, logSum] = out.map((s) =>
        NDArray.fromStorage(s, [logits.shape[0]!], logits.dtype),
      ) as [NDArray, NDArray, NDArray];
      return { loss, max, logSum };
    }
    const max = z.max(-1);
    const logSum = unary('log', unary('exp', binary('sub', z, max.reshape(-1, 1))).sum(-1));
    const picked = z.gather(1, y.reshape(-1, 1)).reshape(-1);
    return { loss: binary('add', binary('sub', max, picked), logSum), max, logSum };
  });
}

/**
 * The gradient of {@link softmaxCrossEntropyRows}'s loss with respect to the logits, each row
 * scaled by `scale` `[N]` (the incoming gradient; 0 for ignored rows): `[N, C]` =
 * (softmax(logits) − onehot(labels)) · scale, from the rows' normaliser in one pass.
 */
export function softmaxCrossEntropyGrad(
  logits: NDArray,
  labels: NDArray,
  { max, logSum }: RowNormalizer,
  scale: NDArray,
): NDArray {
  check('softmaxCrossEntropyGrad', logits, labels, [max, logSum, scale]);
  return tidy(() => {
    const [z, y, m, l, s] = [logits, labels, max, logSum, scale].map((a) => a.contiguous()) as [
      NDArray,
      NDArray,
      NDArray,
      NDArray,
      NDArray,
    ];
    const kernel = fusedKernel(logits.backend, 'softmaxCrossEntropyGrad');
    const v = (a: NDArray) => a.view('softmaxCrossEntropyGrad');
    if (kernel)
      return NDArray.fromStorage(
        kernel.call(logits.backend, v(z), v(y), v(m), v(l), v(s)),
        logits.shape,
        logits.dtype,
      );
    const p = unary('exp', binary('sub', binary('sub', z, m.reshape(-1, 1)), l.reshape(-1, 1)));
    const hot = oneHot(y, logits.shape[1]!, logits.dtype);
    return binary('mul', binary('sub', p, hot), s.reshape(-1, 1));
  });
}
