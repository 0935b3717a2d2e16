import { BackendError } from '@mlblocks/core-tensor';
import { BufferPool } from './buffer-pool.js';
import { type KernelTime, Profiler } from './profiler.js';
import { CONV_TUNING, type ConvTuning } from './tuning.js';

/** Threads per workgroup of the 1-D kernels. */
export const WORKGROUP = 64;
const MAX_GROUPS = 65535;
/** Dispatches encoded before the batch is submitted without waiting for a readback. */
const MAX_PENDING = 256;
// bytes of metadata one submit holds (256 dispatches at the usual 256-byte offset alignment)
const ARENA_BYTES = 64 * 1024;
// bind groups kept for reuse (a step of an LSTM LM makes about 700)
const BIND_GROUP_CACHE = 4096;

const STORAGE = 0x0080; // GPUBufferUsage.STORAGE, spelled out: the constant is a global we must not read at import
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const MAP_READ = 0x0001;

/** Running totals of what the engine sent to the device (see {@link Engine.counts}). */
export interface EngineCounts {
  /** Compute dispatches recorded. */
  dispatches: number;
  /** Command buffers submitted to the queue. */
  submits: number;
  /** Readbacks (each waits for the device). */
  reads: number;
}

/** A compiled kernel: its pipeline and a readable name for errors. */
export interface Kernel {
  name: string;
  pipeline: GPUComputePipeline;
}

/**
 * The part of the backend that talks to WebGPU: compiles and caches pipelines (one per kernel
 * source, never per shape — shapes travel in a small metadata buffer), pools buffers, records
 * many dispatches into one command encoder and submits only when a readback needs the results
 * (or the batch grows large), and turns device errors into typed errors instead of hangs.
 */
export class Engine {
  readonly pool: BufferPool;
  private readonly pipelines = new Map<string, Kernel>();
  private encoder: GPUCommandEncoder | null = null;
  /**
   * The compute pass dispatches are recorded into, kept open across dispatches (WebGPU orders
   * the dispatches of one pass like separate passes: each sees the writes of the ones before)
   * and ended before a copy or a submit.
   */
  private pass: GPUComputePassEncoder | null = null;
  private profiler: Profiler | null = null;
  // this submit's metadata buffer and the bytes used of it (filled in arenaHost first)
  private arena: { buffer: GPUBuffer; used: number } | null = null;
  private readonly arenaHost = new Int32Array(ARENA_BYTES / 4);
  private readonly freeArenas: GPUBuffer[] = [];
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private lastBufferId = 0;
  private readonly metaAlign: number;
  private pending = 0;
  /** Buffers to destroy once the work recorded so far is submitted (dispatch metadata, evictions). */
  private retired: GPUBuffer[] = [];
  private failure: string | null = null;
  private lost: string | null = null;
  /** Log every generated WGSL source once (debugging aid). */
  printShaders = false;
  /** Let the register-blocked matmul read contiguous, aligned rows of B as vec4s. */
  matmulVec4 = true;
  /**
   * Which matmul kernel runs: `registers` (each invocation a 4×4 block with vec4 loads, no
   * barriers) or `tiled` (64×64 workgroup-memory tiles). Measured, registers wins on both kinds
   * of adapter we have: lavapipe (barriers are expensive on CPU lanes) and an NVIDIA H100
   * (2,666 vs 1,705 GFLOP/s at n = 2048), so it is the default; switch per adapter here.
   */
  matmulKernel: 'registers' | 'tiled' = 'registers';
  /** Output rows each invocation of the register-blocked matmul keeps (by 4 columns). */
  matmulRows = 4;
  /** Output columns each invocation of the register-blocked matmul keeps (4 or 8: vec4s per row). */
  matmulCols = 4;
  /**
   * Subgroup width whose lanes share the register matmul's A rows by broadcast (0: each lane loads
   * them): the backend sets it per adapter (`MATMUL_SHUFFLE`) where a probe confirms the layout.
   */
  matmulShuffle = 0;
  /**
   * Row sums (reductions, softmax, cross-entropy) through subgroup operations: true when the
   * device was created with the `subgroups` feature; set false to run the shared-memory trees.
   */
  subgroups: boolean;
  /**
   * The convolution kernels' register blocks and weight-gradient split (see `ConvTuning`): the
   * backend picks them per adapter (`convTuningFor`); small 4×4 blocks until then.
   */
  conv: ConvTuning = structuredClone(CONV_TUNING.swiftshader) as ConvTuning;
  /**
   * Dispatches, submits and readbacks so far: the bench divides them by the training steps it
   * ran (one readback each) to print the per-step cost that per-dispatch overhead multiplies.
   */
  readonly counts: EngineCounts = { dispatches: 0, submits: 0, reads: 0 };

  constructor(readonly device: GPUDevice) {
    this.metaAlign = device.limits.minStorageBufferOffsetAlignment;
    this.subgroups = device.features.has('subgroups');
    this.pool = new BufferPool(device, STORAGE | COPY_SRC | COPY_DST, (b) => this.retired.push(b));
    device.addEventListener('uncapturederror', (event) => {
      this.failure ??= (event as GPUUncapturedErrorEvent).error.message;
    });
    void device.lost.then((info) => {
      this.lost = `device lost (${info.reason}): ${info.message}`;
    });
  }

  /**
   * Throws the device error seen since the last check (shader compilation, validation), once;
   * a lost device fails every later call. WebGPU reports errors asynchronously, so an error can
   * surface at the next op: its message names the kernel that caused it.
   */
  check(op: string): void {
    if (this.lost !== null) throw new BackendError(op, `WebGPU ${this.lost}; create a new backend`);
    if (this.failure === null) return;
    const message = this.failure;
    this.failure = null;
    throw new BackendError(op, `WebGPU error: ${message}`);
  }

  /** The pipeline for a WGSL source, compiled once and cached under `key`. */
  kernel(key: string, code: () => string): Kernel {
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    const source = withDirectives(code());
    if (this.printShaders) console.log(`// ${key}\n${source}`);
    const module = this.device.createShaderModule({ code: source, label: key });
    const pipeline = this.device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
      label: key,
    });
    const kernel = { name: key, pipeline };
    this.pipelines.set(key, kernel);
    return kernel;
  }

  /**
   * Compiles the pipeline of `kernel` ahead of its first use, waiting for the driver's verdict:
   * null when it compiled (it is cached), else the error message. Errors stay inside an error
   * scope, so a failure here never fails a later call. One at a time (error scopes are a stack).
   */
  async precompile(key: string, code: () => string): Promise<string | null> {
    if (this.pipelines.has(key)) return null;
    this.device.pushErrorScope('validation');
    let message: string | null = null;
    let pipeline: GPUComputePipeline | null = null;
    try {
      const module = this.device.createShaderModule({ code: withDirectives(code()), label: key });
      pipeline = await this.device.createComputePipelineAsync({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
        label: key,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    const scoped = await this.device.popErrorScope();
    message ??= scoped?.message ?? (pipeline ? null : 'no pipeline');
    if (message === null && pipeline) this.pipelines.set(key, { name: key, pipeline });
    return message;
  }

  /**
   * Starts a per-kernel profile from timestamp queries (see profiler.ts); false when the device
   * lacks `timestamp-query`. Every dispatch then runs in a pass of its own until `stopProfile`.
   */
  startProfile(): boolean {
    if (!this.device.features.has('timestamp-query')) return false;
    this.flush();
    this.profiler ??= new Profiler(this.device);
    return true;
  }

  /** Ends the profile: each kernel's dispatches and device time since `startProfile`, longest first. */
  async stopProfile(): Promise<KernelTime[]> {
    const profiler = this.profiler;
    if (!profiler) return [];
    this.flush();
    this.profiler = null;
    const report = await profiler.report();
    profiler.dispose();
    return report;
  }

  /** A fresh storage buffer (from the pool) of at least `bytes` bytes. */
  allocate(bytes: number): GPUBuffer {
    return this.pool.acquire(bytes);
  }

  /** Uploads data into a new buffer. Pending work is submitted first, so reuse of pooled buffers stays ordered. */
  upload(data: ArrayBufferView): GPUBuffer {
    this.flush();
    const buffer = this.allocate(data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /**
   * Records one dispatch of `kernel` over `threads` invocations (1-D, split over two grid axes
   * when needed) or an explicit `[x, y, z]` grid. Binding 0 is the metadata (shapes, strides,
   * offsets as i32), then `buffers` in order.
   */
  dispatch(
    kernel: Kernel,
    meta: Int32Array,
    buffers: GPUBuffer[],
    grid: number | [number, number, number],
  ): void {
    this.check(kernel.name);
    if (this.profiler?.full) this.flush(); // before the metadata slot: a flush retires its arena
    const bindGroup = this.bindGroup(kernel, this.metaSlot(meta), buffers);
    const [x, y, z] = typeof grid === 'number' ? groups1d(grid) : grid;
    this.encoder ??= this.device.createCommandEncoder();
    if (this.profiler) {
      // a pass of its own, timestamped at its start and end
      this.endPass();
      this.pass = this.encoder.beginComputePass({ timestampWrites: this.profiler.next(kernel.name) });
    }
    this.pass ??= this.encoder.beginComputePass();
    this.pass.setPipeline(kernel.pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(x, y, z);
    this.counts.dispatches++;
    if (++this.pending >= MAX_PENDING) this.flush();
  }

  /**
   * Where a dispatch's metadata goes: a slot of this submit's arena — one buffer per submit,
   * filled on the host and written with one `writeBuffer` before the submit — instead of a mapped
   * buffer per dispatch. A submit whose arena is full is flushed first.
   */
  private metaSlot(meta: Int32Array): GPUBufferBinding {
    const size = Math.max(16, meta.byteLength);
    if (size > ARENA_BYTES) {
      const own = this.device.createBuffer({ size, usage: STORAGE, mappedAtCreation: true });
      new Int32Array(own.getMappedRange()).set(meta);
      own.unmap();
      this.retired.push(own);
      return { buffer: own };
    }
    if (this.arena && this.arena.used + size > ARENA_BYTES) this.flush();
    this.arena ??= {
      buffer:
        this.freeArenas.pop() ?? this.device.createBuffer({ size: ARENA_BYTES, usage: STORAGE | COPY_DST }),
      used: 0,
    };
    const offset = this.arena.used;
    this.arenaHost.set(meta, offset / 4);
    this.arena.used = Math.ceil((offset + size) / this.metaAlign) * this.metaAlign;
    return { buffer: this.arena.buffer, offset, size };
  }

  /**
   * The bind group of a dispatch, from a cache keyed by the kernel, the metadata slot and the
   * buffers' identities: a training step repeats the same dispatches on the same pooled buffers and
   * arena slots, so from its second step on most bind groups are found instead of created.
   */
  private bindGroup(kernel: Kernel, meta: GPUBufferBinding, buffers: GPUBuffer[]): GPUBindGroup {
    const key = `${kernel.name}|${this.idOf(meta.buffer)}@${meta.offset ?? 0}+${meta.size ?? 0}|${buffers.map((b) => this.idOf(b)).join(',')}`;
    const cached = this.bindGroups.get(key);
    if (cached) {
      // most recently used last: the oldest entries are the ones evicted
      this.bindGroups.delete(key);
      this.bindGroups.set(key, cached);
      return cached;
    }
    const group = this.device.createBindGroup({
      layout: kernel.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: meta },
        ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
      ],
    });
    this.bindGroups.set(key, group);
    if (this.bindGroups.size > BIND_GROUP_CACHE) this.bindGroups.delete(this.bindGroups.keys().next().value!);
    return group;
  }

  private idOf(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = ++this.lastBufferId;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }

  /** Copies `bytes` between buffers in stream order. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    this.endPass();
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(src, 0, dst, 0, Math.ceil(bytes / 4) * 4);
  }

  /** Submits everything recorded so far. */
  flush(): void {
    this.endPass();
    const arena = this.arena;
    this.arena = null;
    // the metadata of every dispatch below, in one write ordered before the submit
    if (arena) this.device.queue.writeBuffer(arena.buffer, 0, this.arenaHost.buffer, 0, arena.used);
    if (this.encoder) {
      const readTimes = this.profiler?.resolve(this.encoder);
      this.device.queue.submit([this.encoder.finish()]);
      readTimes?.();
      this.counts.submits++;
      this.encoder = null;
      this.pending = 0;
    }
    // the arena is reused once the device is done with this submit
    if (arena) void this.device.queue.onSubmittedWorkDone().then(() => this.freeArenas.push(arena.buffer));
    const done = this.retired;
    this.retired = [];
    for (const b of done) b.destroy(); // destroy() waits for submitted work that uses the buffer
  }

  /** Reads `bytes` from a buffer after all recorded work has run. */
  async read(op: string, buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const staging = this.device.createBuffer({ size, usage: MAP_READ | COPY_DST });
    this.endPass();
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
    this.counts.reads++;
    this.flush();
    try {
      await staging.mapAsync(0x0001);
      this.check(op);
      return staging.getMappedRange().slice(0, bytes);
    } catch (error) {
      this.check(op);
      throw new BackendError(op, `WebGPU readback failed: ${(error as Error).message}`);
    } finally {
      staging.destroy();
    }
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  dispose(): void {
    this.pool.trim();
    this.flush();
    this.profiler?.dispose();
    this.profiler = null;
    this.bindGroups.clear();
    for (const b of this.freeArenas.splice(0)) b.destroy();
  }
}

/** Workgroups for `threads` 1-D invocations, folding into y past the 65,535-per-axis limit. */
export function groups1d(threads: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP));
  return groups <= MAX_GROUPS ? [groups, 1, 1] : [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
}

/**
 * A WGSL module with its `enable` directives first, as WGSL requires: the ones the generators
 * wrote anywhere (`enable subgroups;`), and `enable f16;` when the module uses the f16 type.
 */
export function withDirectives(source: string): string {
  const directives = new Set(source.match(/^\s*enable \w+;\s*$/gm)?.map((d) => d.trim()) ?? []);
  const body = source.replace(/^\s*enable \w+;\s*$/gm, '');
  if (/\bf16\b/.test(body)) directives.add('enable f16;');
  return directives.size === 0 ? source : `${[...directives].join('\n')}\n${body}`;
}
