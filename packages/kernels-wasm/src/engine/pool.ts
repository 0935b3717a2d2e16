import { WORKER_SOURCE } from './worker-source.js';

/** A worker as the pool needs it: Node's worker_threads.Worker or a browser Worker. */
interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

const SLOT_BYTES = 64;

/**
 * Worker threads over the backend's shared memory, each parked in `Atomics.wait` on its own
 * control slot until it is handed a task list (sgemm calls), never spinning: a parked worker uses
 * no CPU, so a pool costs nothing on a machine whose other core is busy. Waking one costs about
 * 50 µs, which is why the backend only splits products big enough to pay for it.
 */
export class WorkerPool {
  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly workers: PoolWorker[],
    /** Address of each worker's control slot. */
    readonly slots: number[],
  ) {}

  /** Starts `count` workers on `memory` with control slots from `slotsBase` (count × 64 bytes). */
  static async create(
    count: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    slotsBase: number,
  ): Promise<WorkerPool> {
    const workers: PoolWorker[] = [];
    const slots: number[] = [];
    const ready: Promise<void>[] = [];
    const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
    for (let i = 0; i < count; i++) {
      const slot = slotsBase + i * SLOT_BYTES;
      new Int32Array(memory.buffer, slot, SLOT_BYTES / 4).fill(0);
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
        worker = w;
      }
      worker.postMessage({ module, memory, slot });
      workers.push(worker);
      slots.push(slot);
    }
    await Promise.all(ready);
    return new WorkerPool(memory, workers, slots);
  }

  /** Number of workers (the calling thread works too: threads = size + 1). */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Hands worker i the task list `tasks[i]` ([count, list address, scratch address]), runs
   * `own()` on the calling thread meanwhile, then waits (blocking, not spinning) for all of them.
   */
  run(tasks: readonly (readonly [number, number, number])[], own: () => void): void {
    const ctrl = new Int32Array(this.memory.buffer);
    const started: number[] = [];
    tasks.forEach(([count, list, scratch], i) => {
      if (count === 0) return;
      const s = this.slots[i]! >> 2;
      ctrl[s + 1] = 0;
      ctrl[s + 2] = count;
      ctrl[s + 3] = list;
      ctrl[s + 4] = scratch;
      Atomics.store(ctrl, s, 1);
      Atomics.notify(ctrl, s);
      started.push(s);
    });
    try {
      own();
    } finally {
      for (const s of started) while (Atomics.load(ctrl, s + 1) === 0) Atomics.wait(ctrl, s + 1, 0);
    }
  }

  /** Stops the workers. */
  dispose(): void {
    const ctrl = new Int32Array(this.memory.buffer);
    for (const slot of this.slots) {
      Atomics.store(ctrl, slot >> 2, 2);
      Atomics.notify(ctrl, slot >> 2);
    }
    for (const w of this.workers) void w.terminate();
  }
}
