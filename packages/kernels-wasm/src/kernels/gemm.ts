import { BackendError, type StridedView, sizeOf } from '@mlblocks/core-tensor';
import { Allocator } from '../engine/allocator.js';
import type { Heap } from '../engine/heap.js';
import type { KernelExports } from '../engine/module.js';
import type { WorkerPool } from '../engine/pool.js';
import { B_OPERAND_CODES } from '../engine/wasm-binary.gen.js';
import { addressOf } from '../storage.js';

const CALL_INTS = 14;
const CALL_BYTES = CALL_INTS * 4;
const MR = 4;
const NR = 8;

/** How a call's B operand is stored: a strided matrix, or a window descriptor's implicit matrix. */
export type BKind = keyof typeof B_OPERAND_CODES;

/** One sgemm call: C[M×N] (row stride ldc) = (accumulate ? C : 0) + A[M×K] · B[K×N]. */
export interface GemmCall {
  M: number;
  N: number;
  K: number;
  /** A's byte address and element strides. */
  a: number;
  ars: number;
  acs: number;
  bKind: BKind;
  /** B's byte address and strides (strided), or its window descriptor's address. */
  b: number;
  brs: number;
  bcs: number;
  c: number;
  ldc: number;
  accumulate: boolean;
  /** First column of a descriptor's matrix (a column split of a window call). */
  bCol0: number;
}

/**
 * Products of float32 matrices on the wasm kernels: owns the worker pool, the per-thread packing
 * scratch and the choice of how many threads a batch of sgemm calls uses. Calls are split across
 * the pool when the work is big enough to pay for waking it: whole calls per thread when there are
 * at least as many calls as threads and they write disjoint outputs, else rows (multiples of 4) or
 * columns (multiples of 8) of each call. Every output element sums its products in the same order
 * on any split: 1 or N threads give bit-identical results.
 */
export class Gemm {
  /** Scratch block of each thread (the calling thread's first). */
  private readonly scratch: number[] = [];
  /** Whether a caller has been told that the pool closed (told once; then products run here alone). */
  private closureReported = false;

  constructor(
    private readonly heap: Heap,
    private readonly kernels: KernelExports,
    private readonly pool: WorkerPool | null,
    /** Work of fewer multiply-adds than this runs on the calling thread alone. */
    readonly threadMinMacs: number,
  ) {
    const bytes = Allocator.sizeClass(kernels.gemmScratchBytes());
    for (let t = 0; t < this.threads; t++) this.scratch.push(heap.allocator.alloc(bytes));
  }

  /** Threads large work runs on (the calling thread plus the pool's workers). */
  get threads(): number {
    return this.pool ? this.pool.size + 1 : 1;
  }

  /**
   * `out` (a contiguous float32 block of `[...batch, M, N]` at byte address `outPtr`) = `a · b`
   * for float32 views `a` `[...batch, M, K]` and `b` `[...batch, K, N]` (broadcast batch axes
   * have stride 0). One call per batch, operand strides passed through: transposed or broadcast
   * operands are never copied.
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
    const calls: GemmCall[] = [];
    let aOff = addressOf(a);
    let bOff = addressOf(b);
    const counter = new Array<number>(batchShape.length).fill(0);
    for (let t = 0; t < batch; t++) {
      calls.push({
        M,
        N,
        K,
        a: aOff,
        ars,
        acs,
        bKind: 'strided',
        b: bOff,
        brs,
        bcs,
        c: outPtr + t * M * N * 4,
        ldc: N,
        accumulate: false,
        bCol0: 0,
      });
      for (let axis = batchShape.length - 1; axis >= 0; axis--) {
        aOff += a.strides[axis]! * 4;
        bOff += b.strides[axis]! * 4;
        if (++counter[axis]! < batchShape[axis]!) break;
        aOff -= a.strides[axis]! * 4 * batchShape[axis]!;
        bOff -= b.strides[axis]! * 4 * batchShape[axis]!;
        counter[axis] = 0;
      }
    }
    this.run(calls, false);
  }

  /**
   * Runs sgemm calls on as many threads as their work pays for. `sharedOutputs`: calls that
   * accumulate into the same C in order (a weight gradient summed over images) are split within
   * each call, the same rows to the same thread, never call by call.
   */
  run(calls: readonly GemmCall[], sharedOutputs: boolean): void {
    const macs = calls.reduce((n, c) => n + c.M * c.N * c.K, 0);
    const pool = this.pool;
    if (pool && !pool.open && !this.closureReported) {
      // a worker died between ops: say so once, then run on the calling thread alone
      this.closureReported = true;
      throw new BackendError(
        'wasm worker pool',
        `${pool.closedReason}; products now run on the calling thread alone`,
      );
    }
    const threads = pool?.open && macs >= this.threadMinMacs ? this.threads : 1;
    const shares = threads === 1 ? [calls] : split(calls, threads, !sharedOutputs && calls.length >= threads);
    this.runShares(shares, macs);
  }

  /** Stops the worker pool. */
  dispose(): void {
    this.pool?.dispose();
  }

  /** @internal The worker pool (fault-injection tests). */
  get workerPool(): WorkerPool | null {
    return this.pool;
  }

  /** Writes each share's calls into a temporary block and runs share t on thread t (share 0 here). */
  private runShares(shares: readonly (readonly GemmCall[])[], macs: number): void {
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
        // a share never takes longer than its work at 50 M multiply-adds per second (the kernel
        // does ~20 G): past that, its worker is gone
        try {
          this.pool.run(tasks, own, (macs / 5e7) * 1000);
        } finally {
          this.closureReported ||= !this.pool.open; // the error thrown here told the caller
        }
      }
    } finally {
      this.heap.allocator.free(list, listBlock);
    }
  }
}

/** Splits calls into `threads` shares of about equal work: whole calls, or rows / columns of each. */
function split(calls: readonly GemmCall[], threads: number, wholeCalls: boolean): GemmCall[][] {
  const shares: GemmCall[][] = Array.from({ length: threads }, () => []);
  if (wholeCalls) {
    const per = Math.ceil(calls.length / threads);
    calls.forEach((c, i) => {
      shares[Math.floor(i / per)]!.push(c);
    });
    return shares;
  }
  for (const call of calls) {
    const { M, N } = call;
    if (M >= MR * threads) {
      const rows = Math.ceil(M / threads / MR) * MR;
      for (let t = 0, m0 = 0; m0 < M; t++, m0 += rows) {
        const m = Math.min(rows, M - m0);
        shares[t]!.push({ ...call, M: m, a: call.a + m0 * call.ars * 4, c: call.c + m0 * call.ldc * 4 });
      }
    } else if (N >= NR * threads) {
      const cols = Math.ceil(N / threads / NR) * NR;
      for (let t = 0, n0 = 0; n0 < N; t++, n0 += cols) {
        const n = Math.min(cols, N - n0);
        const strided = call.bKind === 'strided';
        shares[t]!.push({
          ...call,
          N: n,
          b: strided ? call.b + n0 * call.bcs * 4 : call.b,
          bCol0: strided ? 0 : call.bCol0 + n0,
          c: call.c + n0 * 4,
        });
      }
    } else shares[0]!.push(call);
  }
  return shares;
}

/** Writes a share's calls as int32 rows (the layout sgemm_list reads) at `ptr`. */
function writeCalls(i32: Int32Array, ptr: number, calls: readonly GemmCall[]): void {
  let p = ptr >> 2;
  for (const c of calls) {
    i32[p++] = c.M;
    i32[p++] = c.N;
    i32[p++] = c.K;
    i32[p++] = c.a;
    i32[p++] = c.ars;
    i32[p++] = c.acs;
    i32[p++] = B_OPERAND_CODES[c.bKind];
    i32[p++] = c.b;
    i32[p++] = c.brs;
    i32[p++] = c.bcs;
    i32[p++] = c.c;
    i32[p++] = c.ldc;
    i32[p++] = c.accumulate ? 1 : 0;
    i32[p++] = c.bCol0;
  }
}
