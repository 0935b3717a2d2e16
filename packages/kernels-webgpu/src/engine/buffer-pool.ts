/**
 * Reuses freed GPU buffers of the same byte size: a training loop allocates the same sizes every
 * step, so after the first step allocation becomes a map lookup. Buffers in the pool are not
 * counted as live memory. Past `maxPooledBytes` the buffers that have waited longest are let go,
 * through `retire`: the engine destroys them only after the work recorded so far is submitted,
 * because dispatches that are recorded but not yet submitted may still read them.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  /** Every pooled buffer, in the order it was released (a Set iterates in insertion order). */
  private readonly byAge = new Set<GPUBuffer>();
  private pooled = 0;

  /** Bytes of the buffers waiting in the pool for reuse. */
  get pooledBytes(): number {
    return this.pooled;
  }

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly retire: (buffer: GPUBuffer) => void,
    /** How many bytes of free buffers to keep for reuse. */
    public maxPooledBytes = 256 * 1024 * 1024,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const reused = this.free.get(size)?.pop();
    if (reused) {
      this.byAge.delete(reused);
      this.pooled -= size;
      return reused;
    }
    return this.device.createBuffer({ size, usage: this.usage });
  }

  release(buffer: GPUBuffer): void {
    if (buffer.size > this.maxPooledBytes) {
      this.retire(buffer);
      return;
    }
    for (const old of this.byAge) {
      if (this.pooled + buffer.size <= this.maxPooledBytes) break;
      this.take(old);
      this.retire(old);
    }
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
    this.byAge.add(buffer);
    this.pooled += buffer.size;
  }

  /** Lets every pooled buffer go (through `retire`). */
  trim(): void {
    for (const b of this.byAge) this.retire(b);
    this.free.clear();
    this.byAge.clear();
    this.pooled = 0;
  }

  private take(buffer: GPUBuffer): void {
    const list = this.free.get(buffer.size)!;
    list.splice(list.indexOf(buffer), 1);
    this.byAge.delete(buffer);
    this.pooled -= buffer.size;
  }
}
