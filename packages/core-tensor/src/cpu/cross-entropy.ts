import type { StridedView } from '../backend/backend.js';
import type { TypedArray } from '../dtype.js';
import { dataOf } from './cpu-storage.js';

/**
 * The CPU reference of the fused softmax cross-entropy: per row, the maximum, then log Σ exp
 * around it, in float64. The maximum and the log-sum are kept apart (logits of 1e30 would swallow
 * a log-sum of log 3). Views are contiguous `[N, C]` logits and `[N]` per-row operands.
 */
export function softmaxCrossEntropyInto(
  logits: StridedView,
  labels: StridedView,
  loss: TypedArray,
  maxOut: TypedArray,
  logSumOut: TypedArray,
): void {
  const [Z, Y] = [dataOf(logits), dataOf(labels)];
  const [N, C] = logits.shape as [number, number];
  for (let n = 0; n < N; n++) {
    const row = logits.offset + n * C;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) max = Math.max(max, Z[row + c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(Z[row + c]! - max);
    const logSum = Math.log(sum);
    maxOut[n] = max;
    logSumOut[n] = logSum;
    loss[n] = max - Z[row + Y[labels.offset + n]!]! + logSum;
  }
}

/** grad [N, C] = (exp((logits − max) − logSum) − onehot(labels)) · scale, row by row. */
export function softmaxCrossEntropyGradInto(
  logits: StridedView,
  labels: StridedView,
  max: StridedView,
  logSum: StridedView,
  scale: StridedView,
  grad: TypedArray,
): void {
  const [Z, Y, M, L, S] = [dataOf(logits), dataOf(labels), dataOf(max), dataOf(logSum), dataOf(scale)];
  const [N, C] = logits.shape as [number, number];
  for (let n = 0; n < N; n++) {
    const row = logits.offset + n * C;
    const [m, l, s] = [M[max.offset + n]!, L[logSum.offset + n]!, S[scale.offset + n]!];
    for (let c = 0; c < C; c++) grad[n * C + c] = Math.exp(Z[row + c]! - m - l) * s;
    const y = n * C + Y[labels.offset + n]!;
    grad[y] = grad[y]! - s;
  }
}
