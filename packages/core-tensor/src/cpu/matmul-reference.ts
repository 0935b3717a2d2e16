import type { StridedView } from '../backend/backend.js';
import type { TypedArray } from '../dtype.js';
import { dataOf } from './cpu-storage.js';
import { forEachRun } from './strided.js';

/**
 * The textbook i-k-j matrix product over strided views, accumulating straight into `out`.
 * Used for float64, where exactness matters more than speed (gradient checks); the packed float32
 * kernel in `matmul.ts` would round through float32 panels.
 */
export function matmulReferenceInto(a: StridedView, b: StridedView, out: TypedArray): void {
  const rank = a.shape.length;
  const M = a.shape[rank - 2]!;
  const K = a.shape[rank - 1]!;
  const N = b.shape[rank - 1]!;
  const A = dataOf(a);
  const B = dataOf(b);
  const [aRs, aCs, bRs, bCs] = [
    a.strides[rank - 2]!,
    a.strides[rank - 1]!,
    b.strides[rank - 2]!,
    b.strides[rank - 1]!,
  ];
  let c = 0;
  forEachRun(
    a.shape.slice(0, rank - 2),
    [a.strides.slice(0, rank - 2), b.strides.slice(0, rank - 2)],
    [a.offset, b.offset],
    (offs, n, s) => {
      for (let batch = 0; batch < n; batch++, c += M * N) {
        const a0 = offs[0]! + batch * s[0]!;
        const b0 = offs[1]! + batch * s[1]!;
        for (let i = 0; i < M; i++) {
          for (let k = 0; k < K; k++) {
            const aik = A[a0 + i * aRs + k * aCs]!;
            const bRow = b0 + k * bRs;
            for (let j = 0; j < N; j++) out[c + i * N + j]! += aik * B[bRow + j * bCs]!;
          }
        }
      }
    },
  );
}
