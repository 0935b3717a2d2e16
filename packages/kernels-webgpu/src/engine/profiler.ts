/**
 * Per-kernel GPU time from timestamp queries: while a profile runs, the engine gives every
 * dispatch its own compute pass whose start and end the device timestamps; at each submit the
 * timestamps are resolved into a buffer and read back asynchronously, then added up by kernel
 * name. Needs the adapter's `timestamp-query` feature (the backend asks for it when offered).
 * One pass per dispatch costs a little itself: profile to see where time goes, not to time a step.
 */

/** A kernel's share of a profile. */
export interface KernelTime {
  /** The kernel's cache key (e.g. `matmul:f32:vec4:16`, `adamUpdate`). */
  kernel: string;
  /** Dispatches recorded. */
  dispatches: number;
  /** Device time between the start and end of its passes, summed, in milliseconds. */
  ms: number;
}

const CAPACITY = 2048; // dispatches per submit before a flush (two timestamps each)

export class Profiler {
  private readonly querySet: GPUQuerySet;
  private names: string[] = [];
  private readonly pending: Promise<void>[] = [];
  private readonly totals = new Map<string, KernelTime>();

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * CAPACITY });
  }

  /** True when the next dispatch would not fit before a flush. */
  get full(): boolean {
    return this.names.length >= CAPACITY;
  }

  /** The `timestampWrites` of the pass for the next dispatch, a kernel named `name`. */
  next(name: string): GPUComputePassTimestampWrites {
    const k = this.names.push(name) - 1;
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 };
  }

  /** Records the resolve of this submit's timestamps into `encoder`; call before finishing it. */
  resolve(encoder: GPUCommandEncoder): (() => void) | null {
    const names = this.names;
    if (names.length === 0) return null;
    this.names = [];
    const bytes = names.length * 16;
    const resolved = this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const staging = this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.resolveQuerySet(this.querySet, 0, 2 * names.length, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, bytes);
    // after the submit: read back and add up, without blocking the caller
    return () => {
      this.pending.push(
        staging.mapAsync(GPUMapMode.READ).then(() => {
          const t = new BigInt64Array(staging.getMappedRange());
          names.forEach((name, i) => {
            const total = this.totals.get(name) ?? { kernel: name, dispatches: 0, ms: 0 };
            total.dispatches++;
            total.ms += Number(t[2 * i + 1]! - t[2 * i]!) / 1e6;
            this.totals.set(name, total);
          });
          staging.unmap();
          staging.destroy();
          resolved.destroy();
        }),
      );
    };
  }

  /** Waits for every readback and returns the kernels by total time, longest first. */
  async report(): Promise<KernelTime[]> {
    await Promise.all(this.pending);
    return [...this.totals.values()].sort((a, b) => b.ms - a.ms);
  }

  dispose(): void {
    this.querySet.destroy();
  }
}
