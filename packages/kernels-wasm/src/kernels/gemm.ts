import { type StridedView, sizeOf } from '@mlblocks/core-tensor';
import { Allocator } from '../engine/allocator.js';
import type { Heap } from '../engine/heap.js';
import type { KernelExports } from '../engine/module.js';
import type { WorkerPool } from '../engine/pool.js';
import { addressOf } from '../storage.js';

const INTS_PER_CALL = 11;
const CALL_BYTES = INTS_PER_CALL * 4;
const MR = 4;
const NR = 8;

/** One sgemm call as the kernels read it: M, N, K, A (address, row and column strides), B (same), C (address, row stride). */
type Call = [number, number, number, number, number, number, number, number, number, number, number];

/**
 * Batched float32 matrix products on the wasm kernels: owns the worker pool, the per-thread
 * packing scratch and the choice of how many threads a product uses. One sgemm call per batch
 * (operand strides passed through, so transposed or broadcast operands are never copied), split
 * across the pool when the product is big enough to pay for waking it: whole batches per thread
 * when there are at least as many batches as threads, else rows (multiples of 4) or columns
 * (multiples of 8) of each. Every output element sums its products in the same order on any
 * split: 1 or N threads give bit-identical results.
 */
export class Gemm {
  /** Scratch block of each thread (the calling thread's first). */
  private readonly scratch: number[] = [];

  constructor(
    private readonly heap: Heap,
    private readonly kernels: KernelExports,
    private readonly pool: WorkerPool | null,
    /** Products of fewer multiply-adds than this run on the calling thread alone. */
    readonly threadMinMacs: number,
  ) {
    const bytes = Allocator.sizeClass(kernels.gemmScratchBytes());
    for (let t = 0; t < this.threads; t++) this.scratch.push(heap.allocator.alloc(bytes));
  }

  /** Threads a large product runs on (the calling thread plus the pool's workers). */
  get threads(): number {
    return this.pool ? this.pool.size + 1 : 1;
  }

  /**
   * `out` (a contiguous float32 block of `[...batch, M, N]` at byte address `outPtr`) = `a · b`
   * for float32 views `a` `[...batch, M, K]` and `b` `[...batch, K, N]` (broadcast batch axes
   * have stride 0).
   */
  multiply(a: StridedView, b: StridedView, outPtr: number): void {
    const rank = a.shape.length;
    const M = a.shape[rank - 2]!;
    const K = a.shape[rank - 1]!;
    const N = b.shape[rank - 1]!;
    const batchShape = a.shape.slice(0, rank - 2);
    const batch = sizeOf(batchShape);
    if (batch * M * N === 0) return;
    const [ars, acs] = [a.strides[rank - 2]!, a.strides[rank - 1]!];
    const [brs, bcs] = [b.strides[rank - 2]!, b.strides[rank - 1]!];
    const calls: Call[] = [];
    let aOff = addressOf(a);
    let bOff = addressOf(b);
    const counter = new Array<number>(batchShape.length).fill(0);
    for (let t = 0; t < batch; t++) {
      calls.push([M, N, K, aOff, ars, acs, bOff, brs, bcs, outPtr + t * M * N * 4, N]);
      for (let axis = batchShape.length - 1; axis >= 0; axis--) {
        aOff += a.strides[axis]! * 4;
        bOff += b.strides[axis]! * 4;
        if (++counter[axis]! < batchShape[axis]!) break;
        aOff -= a.strides[axis]! * 4 * batchShape[axis]!;
        bOff -= b.strides[axis]! * 4 * batchShape[axis]!;
        counter[axis] = 0;
      }
    }
    const threads = this.pool && batch * M * N * K >= this.threadMinMacs ? this.threads : 1;
    this.run(threads > 1 ? split(calls, threads) : [calls]);
  }

  /** Stops the worker pool. */
  dispose(): void {
    this.pool?.dispose();
  }

  /** Writes each share's calls into a temporary block and runs share t on thread t (share 0 here). */
  private run(shares: readonly (readonly Call[])[]): void {
    const total = shares.reduce((n, s) => n + s.length, 0);
    const listBlock = Allocator.sizeClass(total * CALL_BYTES);
    const list = this.heap.allocator.alloc(listBlock);
    try {
      const starts: number[] = [];
      let p = list;
      for (const share of shares) {
        starts.push(p);
        writeCalls(this.heap.i32, p, share);
        p += share.length * CALL_BYTES;
      }
      const own = () => this.kernels.sgemm_list(shares[0]!.length, starts[0]!, this.scratch[0]!);
      if (shares.length === 1 || !this.pool) own();
      else {
        const tasks = shares
          .slice(1)
          .map((s, i) => [s.length, starts[i + 1]!, this.scratch[i + 1]!] as const);
        this.pool.run(tasks, own);
      }
    } finally {
      this.heap.allocator.free(list, listBlock);
    }
  }
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
function writeCalls(i32: Int32Array, ptr: number, calls: readonly Call[]): void {
  let p = ptr >> 2;
  for (const call of calls) for (let k = 0; k < INTS_PER_CALL; k++) i32[p++] = call[k]! | 0;
}
