import {
  type AdamStepOptions,
  type Backend,
  BackendError,
  type BackendMemory,
  type BinaryOp,
  binaryResultDType,
  type ConvGeometry,
  contiguousStrides,
  type DType,
  type FusedActivation,
  isContiguous,
  type ReduceOp,
  reduceResultDType,
  type SgdStepOptions,
  type Storage,
  type StridedView,
  sizeOf,
  type TypedArray,
  type UnaryOp,
  type WindowGeometry,
} from '@mlblocks/core-tensor';
import { isSoftwareAdapter } from './adapter.js';
import { fromGpuWords, gpuBytes, toGpuWords, wgslType } from './engine/dtypes.js';
import { Engine } from './engine/engine.js';
import { adapterKind, convTuningFor, MATMUL_COLS, MATMUL_ROWS } from './engine/tuning.js';
import * as conv from './kernels/conv.js';
import { softmaxCrossEntropy, softmaxCrossEntropyGrad } from './kernels/cross-entropy.js';
import * as ew from './kernels/elementwise.js';
import * as ix from './kernels/indexing.js';
import { matmul } from './kernels/matmul.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer.js';
import { maxPool2d, maxPool2dGrad } from './kernels/pool.js';
import { gruCell, gruCellGrad, lstmCell, lstmCellGrad } from './kernels/recurrent.js';
import { reduceRows, softmaxRows } from './kernels/reduce.js';
import { bufferOf, GpuStorage } from './storage.js';

/** What `WebGPUBackend.memoryStats()` reports, in bytes. */
export interface MemoryStats {
  /** Held by live storages now (as `memory().bytes`). */
  liveBytes: number;
  /** The most held by live storages at once since the backend was created or `resetPeak()`. */
  peakBytes: number;
  /** Held by freed buffers the pool keeps for reuse: device memory, but not live. */
  pooledBytes: number;
}

/**
 * The WGSL backend: every primitive of core-tensor's `Backend` contract as a compute shader.
 * Work is recorded, not waited for: ops return at once, and only `read` (behind `await a.data()`)
 * submits and waits. Create it with `createWebGPUBackend` (browsers) or `createNodeWebGPUBackend`
 * (`@mlblocks/kernels-webgpu/node`).
 */
export class WebGPUBackend implements Backend {
  readonly engine: Engine;
  private liveBuffers = 0;
  private liveBytes = 0;
  private peakBytes = 0;

  constructor(
    readonly name: string,
    readonly device: GPUDevice,
    /** Description of the adapter, e.g. `llvmpipe (mesa)`. */
    readonly adapterDescription: string,
    /** The WebGPU entry point the device came from; kept referenced while the device lives (Dawn needs that in Node). */
    readonly gpu: GPU | null = null,
  ) {
    this.engine = new Engine(device);
    this.engine.conv = convTuningFor(adapterDescription);
    const kind = adapterKind(adapterDescription);
    this.engine.matmulRows = MATMUL_ROWS[kind];
    this.engine.matmulCols = MATMUL_COLS[kind];
  }

  /** True for a software adapter (see {@link isSoftwareAdapter}): auto-selection passes it over. */
  get isSoftwareAdapter(): boolean {
    return isSoftwareAdapter(this.adapterDescription);
  }

  // ── memory ──────────────────────────────────────────────────────────────────────────────
  alloc(dtype: DType, size: number): GpuStorage {
    wgslType('alloc', dtype);
    this.checkFloat16('alloc', dtype);
    const buffer = this.engine.allocate(gpuBytes(dtype, size));
    const storage = this.track(dtype, size, buffer);
    ew.fill(this.engine, dtype, size, 0, buffer); // pooled buffers hold stale data
    return storage;
  }

  upload(dtype: DType, data: TypedArray): GpuStorage {
    wgslType('upload', dtype);
    this.checkFloat16('upload', dtype);
    return this.track(dtype, data.length, this.engine.upload(toGpuWords(dtype, data)));
  }

  async read(storage: Storage): Promise<TypedArray> {
    const s = storage as GpuStorage;
    const words = await this.engine.read('read', s.buffer, gpuBytes(s.dtype, s.size));
    return fromGpuWords(s.dtype, words, s.size);
  }

  free(storage: Storage): void {
    const s = storage as GpuStorage;
    this.liveBuffers--;
    this.liveBytes -= gpuBytes(s.dtype, s.size);
    this.engine.pool.release(s.buffer);
  }

  memory(): BackendMemory {
    return { buffers: this.liveBuffers, bytes: this.liveBytes };
  }

  /**
   * Live bytes now, the most live at once since creation or the last `resetPeak()`, and the
   * bytes of freed buffers the pool keeps for reuse (device memory that is not live).
   *
   * @example
   * gpu.resetPeak();
   * for (let i = 0; i < 100; i++) await trainer.stepAsync();
   * console.log(gpu.memoryStats()); // { liveBytes, peakBytes, pooledBytes }
   */
  memoryStats(): MemoryStats {
    return {
      liveBytes: this.liveBytes,
      peakBytes: this.peakBytes,
      pooledBytes: this.engine.pool.pooledBytes,
    };
  }

  /** Starts a new peak from the bytes live now (see `memoryStats`). */
  resetPeak(): void {
    this.peakBytes = this.liveBytes;
  }

  // ── primitives ──────────────────────────────────────────────────────────────────────────
  fill(dtype: DType, size: number, value: number): Storage {
    const out = this.fresh(dtype, size);
    ew.fill(this.engine, dtype, size, value, out.buffer);
    return out;
  }

  copy(x: StridedView, dtype: DType): Storage {
    const out = this.fresh(dtype, sizeOf(x.shape));
    ew.copy(this.engine, x, dtype, out.buffer);
    return out;
  }

  assign(dst: StridedView, src: StridedView): void {
    if (bufferOf(dst) !== bufferOf(src)) {
      ew.assign(this.engine, dst, src);
      return;
    }
    // a buffer cannot be bound for reading and writing in one dispatch: go through a copy
    const tmp = this.copy(src, src.storage.dtype);
    ew.assign(this.engine, dst, denseView(tmp, src.shape));
    this.free(tmp);
  }

  unary(op: UnaryOp, x: StridedView): Storage {
    const out = this.fresh(x.storage.dtype, sizeOf(x.shape));
    ew.unary(this.engine, op, x, out.buffer);
    return out;
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView): Storage {
    const out = this.fresh(binaryResultDType(op, a.storage.dtype), sizeOf(a.shape));
    ew.binary(this.engine, op, a, b, out.buffer);
    return out;
  }

  where(cond: StridedView, a: StridedView, b: StridedView): Storage {
    const out = this.fresh(a.storage.dtype, sizeOf(a.shape));
    ew.where(this.engine, cond, a, b, out.buffer);
    return out;
  }

  reduce(op: ReduceOp, x: StridedView, axisCount: number): Storage {
    const keep = x.shape.length - axisCount;
    const rows = sizeOf(x.shape.slice(0, keep));
    const n = sizeOf(x.shape.slice(keep));
    const out = this.fresh(reduceResultDType(op, x.storage.dtype), rows);
    this.withContiguous(x, (dense) => reduceRows(this.engine, op, dense, rows, n, out.buffer));
    return out;
  }

  matmul(a: StridedView, b: StridedView): Storage {
    const rank = a.shape.length;
    const out = this.fresh(floatOut(a), sizeOf(a.shape.slice(0, rank - 1)) * b.shape[rank - 1]!);
    matmul(this.engine, a, b, out.buffer);
    return out;
  }

  matmulBiasActivation(
    a: StridedView,
    b: StridedView,
    bias: StridedView | null,
    activation: FusedActivation,
  ): Storage {
    const rank = a.shape.length;
    const out = this.fresh(floatOut(a), sizeOf(a.shape.slice(0, rank - 1)) * b.shape[rank - 1]!);
    matmul(this.engine, a, b, out.buffer, bias, activation);
    return out;
  }

  activationGrad(activation: FusedActivation, y: StridedView, dy: StridedView): Storage {
    const out = this.fresh(floatOut(y), sizeOf(y.shape));
    ew.activationGrad(this.engine, activation, y, dy, out.buffer);
    return out;
  }

  gather(x: StridedView, axis: number, indices: StridedView): Storage {
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const count = sizeOf(indices.shape);
    const out = this.fresh(x.storage.dtype, outer * count * inner);
    this.withContiguous(x, (dense) =>
      this.withContiguous(indices, (ids) =>
        ix.gather(this.engine, dense, outer, x.shape[axis]!, inner, ids, count, out.buffer),
      ),
    );
    return out;
  }

  scatterAdd(outShape: readonly number[], axis: number, indices: StridedView, src: StridedView): Storage {
    if (src.storage.dtype === 'float16') {
      // WGSL has no 16-bit atomics: accumulate in float32 and round once, as the CPU reference does
      const wide = this.copy(src, 'float32');
      const sum = this.scatterAdd(outShape, axis, indices, denseView(wide, src.shape));
      const out = this.copy(denseView(sum, outShape), 'float16');
      this.free(wide);
      this.free(sum);
      return out;
    }
    const outer = sizeOf(outShape.slice(0, axis));
    const inner = sizeOf(outShape.slice(axis + 1));
    const count = sizeOf(indices.shape);
    const out = this.alloc(src.storage.dtype, sizeOf(outShape));
    this.withContiguous(src, (dense) =>
      this.withContiguous(indices, (ids) =>
        ix.scatterAdd(this.engine, dense, outer, outShape[axis]!, inner, ids, count, out.buffer),
      ),
    );
    return out;
  }

  softmax(x: StridedView): Storage {
    return this.softmaxRows(x, false);
  }

  logSoftmax(x: StridedView): Storage {
    return this.softmaxRows(x, true);
  }

  // ── window kernels (contiguous NCHW float32 views, any offset) ──────────────────────────
  conv2d(x: StridedView, w: StridedView, g: ConvGeometry): Storage {
    float32Only('conv2d', x, w);
    const out = this.fresh('float32', g.batch * g.outChannels * g.output[0] * g.output[1]);
    conv.conv2d(this.engine, x, w, g, out.buffer);
    return out;
  }

  conv2dInputGrad(dy: StridedView, w: StridedView, g: ConvGeometry): Storage {
    float32Only('conv2dInputGrad', dy, w);
    const out = this.fresh('float32', g.batch * g.inChannels * g.input[0] * g.input[1]);
    conv.conv2dInputGrad(this.engine, dy, w, g, out.buffer);
    return out;
  }

  conv2dWeightGrad(x: StridedView, dy: StridedView, g: ConvGeometry): Storage {
    float32Only('conv2dWeightGrad', x, dy);
    const size = g.outChannels * (g.inChannels / g.groups) * g.kernel[0] * g.kernel[1];
    // an empty batch sums nothing: zeros
    if (g.batch === 0) return this.alloc('float32', size);
    const out = this.fresh('float32', size);
    conv.conv2dWeightGrad(this.engine, x, dy, g, out.buffer);
    return out;
  }

  maxPool2d(x: StridedView, g: WindowGeometry): [Storage, Storage] {
    float32Only('maxPool2d', x);
    const planes = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const size = planes * g.output[0] * g.output[1];
    const values = this.fresh('float32', size);
    const indices = this.fresh('int32', size);
    maxPool2d(this.engine, x, planes, g, values.buffer, indices.buffer);
    return [values, indices];
  }

  maxPool2dGrad(dy: StridedView, indices: StridedView, g: WindowGeometry): Storage {
    float32Only('maxPool2dGrad', dy);
    const planes = dy.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const out = this.fresh('float32', planes * g.input[0] * g.input[1]);
    maxPool2dGrad(this.engine, dy, indices, planes, g, out.buffer);
    return out;
  }

  softmaxCrossEntropy(logits: StridedView, labels: StridedView): [Storage, Storage, Storage] {
    float32Only('softmaxCrossEntropy', logits);
    const N = logits.shape[0]!;
    const [loss, max, logSum] = [
      this.fresh('float32', N),
      this.fresh('float32', N),
      this.fresh('float32', N),
    ];
    softmaxCrossEntropy(this.engine, logits, labels, loss.buffer, max.buffer, logSum.buffer);
    return [loss, max, logSum];
  }

  softmaxCrossEntropyGrad(
    logits: StridedView,
    labels: StridedView,
    max: StridedView,
    logSum: StridedView,
    scale: StridedView,
  ): Storage {
    float32Only('softmaxCrossEntropyGrad', logits, max, logSum, scale);
    const grad = this.fresh('float32', sizeOf(logits.shape));
    softmaxCrossEntropyGrad(this.engine, logits, labels, max, logSum, scale, grad.buffer);
    return grad;
  }

  lstmCell(gates: StridedView, c: StridedView): Storage {
    float32Only('lstmCell', gates, c);
    const out = this.fresh('float32', 2 * sizeOf(c.shape));
    lstmCell(this.engine, gates, c, out.buffer);
    return out;
  }

  lstmCellGrad(gates: StridedView, c: StridedView, out: StridedView, dOut: StridedView): [Storage, Storage] {
    float32Only('lstmCellGrad', gates, c, out, dOut);
    const dGates = this.fresh('float32', sizeOf(gates.shape));
    const dc = this.fresh('float32', sizeOf(c.shape));
    lstmCellGrad(this.engine, gates, c, out, dOut, dGates.buffer, dc.buffer);
    return [dGates, dc];
  }

  gruCell(gi: StridedView, gh: StridedView, h: StridedView): Storage {
    float32Only('gruCell', gi, gh, h);
    const out = this.fresh('float32', sizeOf(h.shape));
    gruCell(this.engine, gi, gh, h, out.buffer);
    return out;
  }

  gruCellGrad(
    gi: StridedView,
    gh: StridedView,
    h: StridedView,
    dOut: StridedView,
  ): [Storage, Storage, Storage] {
    float32Only('gruCellGrad', gi, gh, h, dOut);
    const dgi = this.fresh('float32', sizeOf(gi.shape));
    const dgh = this.fresh('float32', sizeOf(gh.shape));
    const dh = this.fresh('float32', sizeOf(h.shape));
    gruCellGrad(this.engine, gi, gh, h, dOut, dgi.buffer, dgh.buffer, dh.buffer);
    return [dgi, dgh, dh];
  }

  adamUpdate(
    param: StridedView,
    grad: StridedView,
    expAvg: StridedView,
    expAvgSq: StridedView,
    h: AdamStepOptions,
  ): [Storage, Storage, Storage] {
    float32Only('adamUpdate', param, grad, expAvg, expAvgSq);
    const n = sizeOf(param.shape);
    const out = [this.fresh('float32', n), this.fresh('float32', n), this.fresh('float32', n)] as const;
    adamUpdate(this.engine, [param, grad, expAvg, expAvgSq], h, [
      out[0].buffer,
      out[1].buffer,
      out[2].buffer,
    ]);
    return [...out];
  }

  sgdUpdate(
    param: StridedView,
    grad: StridedView,
    buffer: StridedView | null,
    h: SgdStepOptions,
  ): [Storage, Storage | null] {
    float32Only('sgdUpdate', param, grad, ...(buffer ? [buffer] : []));
    const n = sizeOf(param.shape);
    const next = this.fresh('float32', n);
    const nextBuffer = h.momentum === 0 ? null : this.fresh('float32', n);
    sgdUpdate(this.engine, param, grad, buffer, h, [next.buffer, nextBuffer?.buffer ?? null]);
    return [next, nextBuffer];
  }

  /** Submits all recorded work. */
  flush(): void {
    this.engine.flush();
  }

  dispose(): void {
    this.engine.dispose();
    this.device.destroy();
  }

  private softmaxRows(x: StridedView, log: boolean): Storage {
    const n = x.shape[x.shape.length - 1] ?? 1;
    const rows = n === 0 ? 0 : sizeOf(x.shape) / n;
    const out = this.fresh(floatOut(x), sizeOf(x.shape));
    this.withContiguous(x, (dense) => softmaxRows(this.engine, dense, rows, n, log, out.buffer));
    return out;
  }

  // Kernels that read rows expect contiguous input: compact a strided view into a temporary first.
  private withContiguous(view: StridedView, run: (dense: StridedView) => void): void {
    if (isContiguous(view.shape, view.strides)) {
      run(view);
      return;
    }
    const tmp = this.copy(view, view.storage.dtype);
    run(denseView(tmp, view.shape));
    this.free(tmp);
  }

  // An output buffer that the kernel will overwrite entirely (no zero fill needed).
  private fresh(dtype: DType, size: number): GpuStorage {
    wgslType('alloc', dtype);
    this.checkFloat16('alloc', dtype);
    return this.track(dtype, size, this.engine.allocate(gpuBytes(dtype, size)));
  }

  // float16 is WGSL's f16, which exists only on devices with the shader-f16 feature
  private checkFloat16(op: string, dtype: DType): void {
    if (dtype === 'float16' && !this.device.features.has('shader-f16'))
      throw new BackendError(
        op,
        `float16 needs the WebGPU feature 'shader-f16', which this adapter (${this.adapterDescription}) does not offer; use float32`,
      );
  }

  private track(dtype: DType, size: number, buffer: GPUBuffer): GpuStorage {
    this.liveBuffers++;
    this.liveBytes += gpuBytes(dtype, size);
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
    return new GpuStorage(this, dtype, size, buffer);
  }
}

/** The whole of a contiguous storage, viewed as `shape`. */
function denseView(storage: Storage, shape: readonly number[]): StridedView {
  return { storage, shape, strides: contiguousStrides(shape), offset: 0 };
}

/** The dtype of a float kernel's result: float16 for float16 operands, else float32 (WGSL has no f64). */
function floatOut(v: StridedView): 'float16' | 'float32' {
  wgslType('float kernel', v.storage.dtype);
  return v.storage.dtype === 'float16' ? 'float16' : 'float32';
}

/** The window kernels compute in float32 (WGSL has no float64): anything else is a typed error. */
function float32Only(op: string, ...views: StridedView[]): void {
  for (const v of views) {
    wgslType(op, v.storage.dtype); // float64: names WGSL's missing 64-bit floats
    if (v.storage.dtype !== 'float32')
      throw new BackendError(op, `the WebGPU ${op} kernel takes float32 inputs, got ${v.storage.dtype}`);
  }
}
