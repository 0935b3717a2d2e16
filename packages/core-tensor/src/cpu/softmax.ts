import type { StridedView } from '../backend/backend.js';
import type { TypedArray } from '../dtype.js';
import { contiguousData } from './elementwise.js';

/**
 * Softmax and log-softmax over the last axis, one pass for the max, one for Σexp(x − max):
 * subtracting the row max first is what keeps logits like 1e4 from overflowing exp().
 * Log-softmax is `(x − max) − log Σ`, never `x − (max + log Σ)`: for |logits| ≳ 1e14 the sum
 * `max + log Σ` rounds back to `max` and the log-sum term (e.g. −log 3) would be lost.
 */
export function softmaxInto(x: StridedView, out: TypedArray, log: boolean): void {
  const n = x.shape[x.shape.length - 1]!;
  const rows = n === 0 ? 0 : out.length / n;
  const { data, start } = contiguousData(x);
  for (let r = 0; r < rows; r++) {
    const base = start + r * n;
    const o = r * n;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (data[base + i]! > max) max = data[base + i]!;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(data[base + i]! - max);
    if (log) {
      const logSum = Math.log(sum);
      for (let i = 0; i < n; i++) out[o + i] = data[base + i]! - max - logSum;
    } else {
      const inv = 1 / sum;
      for (let i = 0; i < n; i++) out[o + i] = Math.exp(data[base + i]! - max) * inv;
    }
  }
}
