import { BackendError } from '@mlblocks/core-tensor';
import type { WasmMemory, WasmModule } from './wasm-types.js';
import { WORKER_SOURCE } from './worker-source.js';

/** A worker as the pool needs it: Node's worker_threads.Worker or a browser Worker. */
interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Bytes of each worker's control slot (int32 fields, see worker-source.ts). */
export const SLOT_BYTES = 64;
const STATE = 0;
const DONE = 1;
const FAILED = 5;
const MESSAGE = 6; // up to 40 bytes of the worker's error message (ASCII), then a 0
const MESSAGE_BYTES = SLOT_BYTES - MESSAGE * 4;

/**
 * Worker threads over the backend's shared memory, each parked in `Atomics.wait` on its own
 * control slot until it is handed a task list (sgemm calls), never spinning: a parked worker uses
 * no CPU, so a pool costs nothing on a machine whose other core is busy. Waking one costs about
 * 50 µs, which is why the backend only splits products big enough to pay for it.
 *
 * Faults end in a typed error, never in a caller blocked forever: a worker whose kernel traps
 * reports it through its slot; a worker that exits (or never answers within the time its share
 * could possibly take) closes the pool; a closed pool — also after `dispose()` — refuses work.
 */
export class WorkerPool {
  /** Why the pool no longer takes work (a worker died, or it was disposed), or null. */
  private closedBecause: string | null = null;
  /** A floor under the time a share may take before its worker counts as gone (tests lower it). */
  minTimeoutMs = 10_000;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly workers: PoolWorker[],
    /** Address of each worker's control slot. */
    readonly slots: number[],
  ) {}

  /** Starts `count` workers on `memory` with control slots from `slotsBase` (count × 64 bytes). */
  static async create(
    count: number,
    module: WasmModule,
    memory: WasmMemory,
    slotsBase: number,
  ): Promise<WorkerPool> {
    const workers: PoolWorker[] = [];
    const slots: number[] = [];
    const ready: Promise<void>[] = [];
    const exits: ((reason: string) => void)[] = [];
    const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
    for (let i = 0; i < count; i++) {
      const slot = slotsBase + i * SLOT_BYTES;
      new Int32Array(memory.buffer, slot, SLOT_BYTES / 4).fill(0);
      const onExit = (reason: string) => exits[0]?.(`wasm worker ${i + 1} ${reason}`);
      let worker: PoolWorker;
      if (isNode) {
        const { Worker } = await import('node:worker_threads');
        const w = new Worker(WORKER_SOURCE, { eval: true });
        w.unref(); // a parked pool must not keep the process alive
        ready.push(
          new Promise((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
          }),
        );
        w.on('error', (error) => onExit(`failed: ${error.message}`));
        w.on('exit', (code) => onExit(`exited (code ${code})`));
        worker = w;
      } else {
        const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const w = new Worker(url);
        ready.push(
          new Promise((resolve, reject) => {
            w.onmessage = () => resolve();
            w.onerror = (e) => reject(e);
          }),
        );
        w.addEventListener('error', (e) => onExit(`failed: ${e.message}`));
        worker = w;
      }
      worker.postMessage({ module, memory, slot });
      workers.push(worker);
      slots.push(slot);
    }
    await Promise.all(ready);
    const pool = new WorkerPool(memory, workers, slots);
    exits.push((reason) => pool.close(reason));
    return pool;
  }

  /** Number of workers (the calling thread works too: threads = size + 1). */
  get size(): number {
    return this.workers.length;
  }

  /** False once a worker died or the pool was disposed: it takes no more work. */
  get open(): boolean {
    return this.closedBecause === null;
  }

  /** Why the pool closed, or null while it is open. */
  get closedReason(): string | null {
    return this.closedBecause;
  }

  /**
   * Hands worker i the task list `tasks[i]` ([count, list address, scratch address]), runs
   * `own()` on the calling thread meanwhile, then waits (blocking, not spinning) for all of them —
   * at most `timeoutMs` (raised to {@link minTimeoutMs}) past `own()`'s end. Throws a BackendError
   * naming the worker if one trapped, exited or did not answer in time (then the pool closes).
   */
  run(tasks: readonly (readonly [number, number, number])[], own: () => void, timeoutMs: number): void {
    if (this.closedBecause !== null) throw new BackendError('wasm worker pool', this.closedBecause);
    const ctrl = new Int32Array(this.memory.buffer);
    const started: number[] = [];
    tasks.forEach(([count, list, scratch], i) => {
      if (count === 0) return;
      const s = this.slots[i]! >> 2;
      ctrl[s + DONE] = 0;
      ctrl[s + FAILED] = 0;
      ctrl[s + 2] = count;
      ctrl[s + 3] = list;
      ctrl[s + 4] = scratch;
      Atomics.store(ctrl, s + STATE, 1);
      Atomics.notify(ctrl, s + STATE);
      started.push(s);
    });
    try {
      own();
    } finally {
      this.awaitShares(ctrl, started, Math.max(timeoutMs, this.minTimeoutMs));
    }
    for (const s of started) {
      if (ctrl[s + FAILED] !== 0) {
        const worker = this.slots.indexOf(s << 2) + 1;
        throw new BackendError('wasm worker pool', `wasm worker ${worker} trapped: ${readMessage(ctrl, s)}`);
      }
    }
  }

  /** Stops the workers; the pool refuses work afterwards. */
  dispose(): void {
    this.close('the wasm backend was disposed; create a new one with createWasmBackend');
  }

  private awaitShares(ctrl: Int32Array, started: readonly number[], timeoutMs: number): void {
    const deadline = performance.now() + timeoutMs;
    for (const s of started) {
      while (Atomics.load(ctrl, s + DONE) === 0) {
        const left = deadline - performance.now();
        if (left <= 0 || this.closedBecause !== null) {
          const reason =
            this.closedBecause ??
            `wasm worker ${this.slots.indexOf(s << 2) + 1} did not finish its share within ${Math.round(timeoutMs)} ms (it died or hung)`;
          this.close(`${reason}; products now run on the calling thread alone`);
          throw new BackendError('wasm worker pool', reason);
        }
        Atomics.wait(ctrl, s + DONE, 0, left);
      }
    }
  }

  private close(reason: string): void {
    if (this.closedBecause !== null) return;
    this.closedBecause = reason;
    const ctrl = new Int32Array(this.memory.buffer);
    for (const slot of this.slots) {
      Atomics.store(ctrl, slot >> 2, 2);
      Atomics.notify(ctrl, slot >> 2);
    }
    for (const w of this.workers) void w.terminate();
  }
}

function readMessage(ctrl: Int32Array, s: number): string {
  const bytes = new Uint8Array(ctrl.buffer, (s + MESSAGE) * 4, MESSAGE_BYTES);
  let text = '';
  for (const b of bytes) {
    if (b === 0) break;
    text += String.fromCharCode(b);
  }
  return text || 'an exception in the kernel';
}
