import { type StridedView, sizeOf } from '@mlblocks/core-tensor';
import type { WasmBackend } from '../backend.js';
import { addressOf, type WasmStorage } from '../storage.js';

const INTS_PER_CALL = 11;
const MR = 4;
const NR = 8;

type Call = [number, number, number, number, number, number, number, number, number, number, number];

/**
 * Batched float32 matmul: one sgemm call per batch (operand strides passed through, so
 * transposed or broadcast operands are never copied), split across the worker pool when the
 * product is big enough to pay for waking it: whole batches per thread when there are at least
 * as many batches as threads, else rows (multiples of 4) or columns (multiples of 8) of each.
 * Every output element sums its products in the same order on any split: 1 or N threads give
 * bit-identical results.
 */
export function matmulF32(backend: WasmBackend, a: StridedView, b: StridedView): WasmStorage {
  const rank = a.shape.length;
  const M = a.shape[rank - 2]!;
  const K = a.shape[rank - 1]!;
  const N = b.shape[rank - 1]!;
  const batchShape = a.shape.slice(0, rank - 2);
  const batch = sizeOf(batchShape);
  const out = backend.allocRaw('float32', batch * M * N);
  if (out.size === 0) return out;
  const [ars, acs] = [a.strides[rank - 2]!, a.strides[rank - 1]!];
  const [brs, bcs] = [b.strides[rank - 2]!, b.strides[rank - 1]!];
  const calls: Call[] = [];
  let aOff = addressOf(a);
  let bOff = addressOf(b);
  const counter = new Array<number>(batchShape.length).fill(0);
  for (let t = 0; t < batch; t++) {
    calls.push([M, N, K, aOff, ars, acs, bOff, brs, bcs, out.ptr + t * M * N * 4, N]);
    for (let axis = batchShape.length - 1; axis >= 0; axis--) {
      aOff += a.strides[axis]! * 4;
      bOff += b.strides[axis]! * 4;
      if (++counter[axis]! < batchShape[axis]!) break;
      aOff -= a.strides[axis]! * 4 * batchShape[axis]!;
      bOff -= b.strides[axis]! * 4 * batchShape[axis]!;
      counter[axis] = 0;
    }
  }
  const threads = backend.threadsFor(batch * M * N * K);
  backend.runGemm(threads > 1 ? split(calls, threads) : [calls]);
  return out;
}

/** Splits the calls into `threads` shares of about equal work. */
function split(calls: Call[], threads: number): Call[][] {
  const shares: Call[][] = Array.from({ length: threads }, () => []);
  if (calls.length >= threads) {
    const per = Math.ceil(calls.length / threads);
    calls.forEach((c, i) => {
      shares[Math.floor(i / per)]!.push(c);
    });
    return shares;
  }
  for (const call of calls) {
    const [M, N, K, a, ars, acs, b, brs, bcs, c, ldc] = call;
    if (M >= MR * threads) {
      const rows = Math.ceil(M / threads / MR) * MR;
      for (let t = 0, m0 = 0; m0 < M; t++, m0 += rows) {
        const m = Math.min(rows, M - m0);
        shares[t]!.push([m, N, K, a + m0 * ars * 4, ars, acs, b, brs, bcs, c + m0 * ldc * 4, ldc]);
      }
    } else if (N >= NR * threads) {
      const cols = Math.ceil(N / threads / NR) * NR;
      for (let t = 0, n0 = 0; n0 < N; t++, n0 += cols) {
        const n = Math.min(cols, N - n0);
        shares[t]!.push([M, n, K, a, ars, acs, b + n0 * bcs * 4, brs, bcs, c + n0 * 4, ldc]);
      }
    } else shares[0]!.push(call);
  }
  return shares;
}

/** Writes a share's calls as int32 rows (the layout sgemm_list reads) at `ptr`. */
export function writeCalls(i32: Int32Array, ptr: number, calls: readonly Call[]): void {
  let p = ptr >> 2;
  for (const call of calls) for (let k = 0; k < INTS_PER_CALL; k++) i32[p++] = call[k]! | 0;
}

export const CALL_BYTES = INTS_PER_CALL * 4;
