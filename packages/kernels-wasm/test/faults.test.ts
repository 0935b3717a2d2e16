// Faults end in typed errors within a bounded time, never in a caller blocked forever: a disposed
// backend (removed, or replaced in the registry), a worker whose kernel traps, a worker that dies
// (terminated mid-op, or between ops). Also: threads 'auto' uses every core in Node.
import { availableParallelism } from 'node:os';
import {
  BackendError,
  Generator,
  getBackend,
  randn,
  registerBackend,
  removeBackend,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/backend.js';
import type { Gemm } from '../src/kernels/gemm.js';
import { createWasmBackend } from './backends.js';

const gen = new Generator(3);
const rn = (...shape: number[]) => randn(shape, { generator: gen });

/** The backend's worker pool (fault injection reaches into it; users never need to). */
function poolOf(backend: WasmBackend) {
  const pool = (backend as unknown as { gemm: { workerPool: unknown } }).gemm.workerPool as {
    minTimeoutMs: number;
    workers: { terminate(): Promise<number> }[];
    open: boolean;
  };
  return pool;
}

describe('wasm backend faults', () => {
  it.each([1, 2])(
    'use after dispose is a typed error on %i thread(s), for small and pooled ops alike',
    async (threads) => {
      registerBackend('doomed', await createWasmBackend({ threads, name: 'doomed', threadMinMacs: 1 }));
      const a = rn(64, 64).to('doomed');
      const b = rn(64, 64).to('doomed');
      removeBackend('doomed');
      const started = performance.now();
      expect(() => a.matmul(b)).toThrow(BackendError);
      expect(() => a.matmul(b)).toThrow(/wasm backend 'doomed' was disposed/);
      expect(() => a.exp()).toThrow(/was disposed/);
      expect(() => a.dataSync()).toThrow(/was disposed/);
      expect(() => a.slice(0).assign(b.slice(1))).toThrow(/was disposed/);
      expect(() => a.slice(0).assign(1)).toThrow(/was disposed/);
      expect(performance.now() - started).toBeLessThan(5_000);
    },
  );

  it('arrays of a backend replaced in the registry get a typed error, the new backend works', async () => {
    registerBackend('swapped', await createWasmBackend({ threads: 2, name: 'swapped', threadMinMacs: 1 }));
    const old = rn(40, 40).to('swapped');
    registerBackend('swapped', await createWasmBackend({ threads: 2, name: 'swapped', threadMinMacs: 1 }));
    expect(() => old.matmul(old)).toThrow(/was disposed/);
    const fresh = rn(40, 40);
    expect([...fresh.to('swapped').matmul(fresh.to('swapped')).dataSync()]).toEqual([
      ...fresh.to('wasm').matmul(fresh.to('wasm')).dataSync(),
    ]);
    removeBackend('swapped');
  });

  it('a worker whose kernel traps reports it as a typed error, and keeps serving', async () => {
    const backend = await createWasmBackend({ threads: 2, name: 'trap', threadMinMacs: 1 });
    const gemm = (backend as unknown as { gemm: Gemm }).gemm;
    const { allocator, u8 } = backend.heap;
    const [K, N] = [8, 8];
    const b = allocator.alloc(K * N * 4);
    const c = allocator.alloc(8 * N * 4);
    const a = allocator.alloc(4096);
    // A's 8 rows lie so far apart that rows 0–3 (the calling thread's share) are inside the memory
    // and rows 4–7 (the worker's) past its end: only the worker's kernel traps
    const ars = Math.floor((u8.byteLength - a) / 4 / 3.5);
    const call = {
      M: 8,
      N,
      K,
      a,
      ars,
      acs: 1,
      bKind: 'strided',
      b,
      brs: N,
      bcs: 1,
      c,
      ldc: N,
      accumulate: false,
      bCol0: 0,
    } as const;
    expect(() => gemm.run([call], false)).toThrow(
      /wasm worker 1 trapped: RuntimeError: memory access out of bo/,
    );
    registerBackend('trap', backend);
    const x = rn(64, 64);
    const got = x.to('trap').matmul(x.to('trap')).dataSync();
    expect([...got]).toEqual([...x.to('wasm').matmul(x.to('wasm')).dataSync()]); // 2 threads, bit-identical to 1
    removeBackend('trap');
  });

  it('a worker that dies mid-op gives a typed error in bounded time; later products run on one thread', async () => {
    const backend = await createWasmBackend({ threads: 2, name: 'dying', threadMinMacs: 1 });
    registerBackend('dying', backend);
    const pool = poolOf(backend);
    pool.minTimeoutMs = 300;
    const x = rn(96, 80);
    const y = rn(80, 72);
    const want = x.matmul(y).dataSync();
    const [xw, yw] = [x.to('dying'), y.to('dying')];
    void pool.workers[0]!.terminate(); // no await: the op below runs before the exit event is seen
    const started = performance.now();
    expect(() => xw.matmul(yw)).toThrow(
      /wasm worker 1 did not finish its share within \d+ ms \(it died or hung\)/,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(pool.open).toBe(false);
    const again = xw.matmul(yw).dataSync(); // the calling thread alone
    for (let i = 0; i < want.length; i++) expect(Math.abs(again[i]! - want[i]!)).toBeLessThan(1e-4);
    expect(getBackend('dying').memory().buffers).toBe(3); // x, y and the last product: the failed op freed its output
    removeBackend('dying');
  });

  it('a worker seen to exit between ops closes the pool at once: the next pooled op says so', async () => {
    const backend = await createWasmBackend({ threads: 2, name: 'exited', threadMinMacs: 1 });
    registerBackend('exited', backend);
    const pool = poolOf(backend);
    const x = rn(64, 64).to('exited');
    await pool.workers[0]!.terminate();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the exit event reaches the pool
    const started = performance.now();
    expect(() => x.matmul(x)).toThrow(
      /wasm worker 1 exited \(code 1\); products now run on the calling thread alone/,
    );
    expect(performance.now() - started).toBeLessThan(100);
    expect(x.matmul(x).shape).toEqual([64, 64]);
    removeBackend('exited');
  });

  it("threads 'auto' uses every core Node reports (os.availableParallelism)", async () => {
    const backend = await createWasmBackend({ threads: 'auto', name: 'auto' });
    expect(backend.info.threads).toBe(Math.min(65, availableParallelism()));
    backend.dispose();
  });
});
