import { WasmBackend } from './backend.js';
import { Heap } from './engine/heap.js';
import {
  compileKernels,
  instantiate,
  MAX_PAGES,
  relaxedSimdSupported,
  sharedMemorySupported,
} from './engine/module.js';
import { WorkerPool } from './engine/pool.js';
import { Gemm } from './kernels/gemm.js';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Threads for matmul: the calling thread plus `threads − 1` workers parked in `Atomics.wait`
   * (default 1). `'auto'` uses every core (Node's `os.availableParallelism()`, a browser's
   * `navigator.hardwareConcurrency`), at most 65. Needs shared memory
   * and a thread that may block (Node; a Web Worker in cross-origin-isolated pages); falls back
   * to 1 elsewhere.
   */
  threads?: number | 'auto';
  /** Use the relaxed-SIMD build (fused multiply-add): `'auto'` (default) when the runtime accepts it. */
  relaxedSimd?: boolean | 'auto';
  /** Upper bound of the wasm memory in MiB (default and maximum 4096). */
  maxMemoryMB?: number;
  /** Registry name (default `'wasm'`). */
  name?: string;
  /** Products of fewer multiply-adds than this run on one thread (default 2^22 ≈ 0.1–0.2 ms of work). */
  threadMinMacs?: number;
}

/** Worker control slots fit in the 4 KiB below the heap: 64 workers plus the calling thread. */
const MAX_THREADS = 65;

/** Cores of this machine: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers. */
async function cores(): Promise<number> {
  if (typeof process !== 'undefined' && typeof process.versions?.node === 'string') {
    const os = await import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return typeof navigator !== 'undefined' ? (navigator.hardwareConcurrency ?? 1) : 1;
}

/** True when the calling thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the WebAssembly SIMD backend. Register it, then create arrays on it or move them:
 *
 * @example
 * ```ts
 * import { registerBackend, randn, setDefaultBackend } from '@mlblocks/core-tensor';
 * import { createWasmBackend } from '@mlblocks/kernels-wasm';
 *
 * registerBackend('wasm', await createWasmBackend({ threads: 2 }));
 * setDefaultBackend('wasm');
 * const y = randn([256, 784]).matmul(randn([784, 10])).relu();
 * console.log(y.sum().item());
 * ```
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const wanted = Math.min(
    MAX_THREADS,
    options.threads === 'auto' ? await cores() : Math.max(1, Math.floor(options.threads ?? 1)),
  );
  const shared = sharedMemorySupported();
  const threads = shared && canBlock() ? wanted : 1;
  const relaxed =
    options.relaxedSimd === 'auto' || options.relaxedSimd === undefined
      ? relaxedSimdSupported()
      : options.relaxedSimd && relaxedSimdSupported();
  const maxPages = Math.min(MAX_PAGES, Math.ceil(((options.maxMemoryMB ?? 4096) * 2 ** 20) / 65536));
  const memory = new WebAssembly.Memory({
    initial: 32,
    maximum: maxPages,
    shared,
  } as WebAssembly.MemoryDescriptor);
  const module = await compileKernels({ relaxed, shared });
  const kernels = instantiate(module, memory);
  // the pool's control slots live in the first page, below the allocator's heap (static data ends ~12 KiB)
  const pool = threads > 1 ? await WorkerPool.create(threads - 1, module, memory, 60 * 1024) : null;
  const heap = new Heap(memory, kernels);
  const gemm = new Gemm(heap, kernels, pool, options.threadMinMacs ?? 2 ** 22);
  const backend = new WasmBackend(options.name ?? 'wasm', heap, kernels, gemm, {
    threads,
    relaxedSimd: relaxed,
    sharedMemory: shared,
    threadMinMacs: gemm.threadMinMacs,
  });
  warmUp(backend);
  return backend;
}

// NOTE: V8 first runs new wasm code in its baseline tier (4–5× slower); a few calls of the hot
// kernels here make the first real ops fast.
function warmUp(backend: WasmBackend): void {
  const n = 64;
  const a = backend.fill('float32', n * n, 0.5);
  const view = { storage: a, shape: [n, n], strides: [n, 1], offset: 0 };
  for (let i = 0; i < 8; i++) {
    backend.free(backend.matmul(view, view));
    backend.free(backend.binary('add', view, view));
    backend.free(backend.unary('relu', view));
  }
  backend.free(a);
}
