import {
  type Backend,
  BackendError,
  type BackendMemory,
  type BinaryOp,
  binaryResultDType,
  bytesPerElement,
  type ConvGeometry,
  type CpuBackend,
  contiguousStrides,
  type DType,
  isContiguous,
  type ReduceOp,
  reduceResultDType,
  type Storage,
  type StridedView,
  sizeOf,
  type TypedArray,
  type UnaryOp,
  type WindowGeometry,
} from '@mlblocks/core-tensor';
import { Allocator } from './engine/allocator.js';
import { type Heap, shiftOf } from './engine/heap.js';
import type { KernelExports } from './engine/module.js';
import { OP_CODES } from './engine/wasm-binary.gen.js';
import { Fallback } from './kernels/fallback.js';
import type { Gemm } from './kernels/gemm.js';
import { WindowKernels } from './kernels/window.js';
import { addressOf, WasmStorage } from './storage.js';

/** How the backend was set up (see {@link createWasmBackend}). */
export interface WasmBackendInfo {
  /** Threads matmul runs on (the calling thread plus the pool's workers). */
  threads: number;
  /** True when the relaxed-SIMD build (fused multiply-add) runs. */
  relaxedSimd: boolean;
  /** True when the memory is a shared WebAssembly.Memory. */
  sharedMemory: boolean;
  /** Products of at least this many multiply-adds are split across threads. */
  threadMinMacs: number;
}

/**
 * The WebAssembly SIMD backend: tensors live in one wasm memory (a small allocator hands out
 * blocks and takes them back), and every primitive is a call into AssemblyScript kernels on
 * those addresses — chains of ops never copy through JavaScript; only `read`/`readSync` copy out.
 * float32 runs in wasm; float64 and integer arithmetic run the CPU reference kernels on copies
 * (see `kernels/fallback.ts`). Create it with {@link createWasmBackend}.
 */
export class WasmBackend implements Backend {
  private readonly fallback: Fallback;
  private readonly window: WindowKernels;
  private liveBuffers = 0;
  private liveBytes = 0;
  /** Why the backend refuses work (it was disposed), or null. */
  private disposedBecause: string | null = null;
  private scratch = new Map<number, number>();

  /** @internal Use {@link createWasmBackend}. */
  constructor(
    readonly name: string,
    /** The wasm memory and its allocator. */
    readonly heap: Heap,
    private readonly k: KernelExports,
    private readonly gemm: Gemm,
    readonly info: WasmBackendInfo,
  ) {
    this.fallback = new Fallback(heap);
    this.window = new WindowKernels(heap, k, gemm);
  }

  // ── memory ──────────────────────────────────────────────────────────────────────────────
  /** An uninitialised block for `size` elements, counted as live. */
  private allocRaw(dtype: DType, size: number): WasmStorage {
    this.checkLive('alloc');
    if (dtype === 'float16')
      throw new BackendError(
        'alloc',
        'the WebAssembly backend has no float16 (wasm SIMD has no half-precision lanes); cast to float32, or use the CPU or WebGPU backend for float16',
      );
    const block = Allocator.sizeClass(size * bytesPerElement(dtype));
    const ptr = this.heap.allocator.alloc(block);
    this.liveBuffers++;
    this.liveBytes += size * bytesPerElement(dtype);
    return new WasmStorage(this, dtype, size, ptr, block);
  }

  alloc(dtype: DType, size: number): WasmStorage {
    const out = this.allocRaw(dtype, size);
    this.heap.u8.fill(0, out.ptr, out.ptr + size * bytesPerElement(dtype));
    return out;
  }

  upload(dtype: DType, data: TypedArray): WasmStorage {
    const out = this.allocRaw(dtype, data.length);
    this.typedView(out).set(data);
    return out;
  }

  async read(storage: Storage): Promise<TypedArray> {
    return this.readSync(storage);
  }

  readSync(storage: Storage): TypedArray {
    this.checkLive('read');
    return this.typedView(storage as WasmStorage).slice();
  }

  free(storage: Storage): void {
    const s = storage as WasmStorage;
    if (!s.live) return;
    s.live = false;
    this.liveBuffers--;
    this.liveBytes -= s.size * bytesPerElement(s.dtype);
    this.heap.allocator.free(s.ptr, s.block);
  }

  memory(): BackendMemory {
    return { buffers: this.liveBuffers, bytes: this.liveBytes };
  }

  /** A typed-array view of a storage's elements in wasm memory (no copy). */
  private typedView(s: WasmStorage): TypedArray {
    return this.heap.view(s.dtype, s.ptr, s.size);
  }

  // ── primitives ──────────────────────────────────────────────────────────────────────────
  fill(dtype: DType, size: number, value: number): Storage {
    const out = this.allocRaw(dtype, size);
    this.typedView(out).fill(value);
    return out;
  }

  copy(x: StridedView, dtype: DType): Storage {
    const from = x.storage.dtype;
    if (dtype === 'float32' && from !== 'float64' && from !== 'float32' && isContiguous(x.shape, x.strides)) {
      // masks (bool) and labels (int32) become float32 in wasm: exact, like the CPU's conversion
      const out = this.allocRaw('float32', sizeOf(x.shape));
      if (out.size > 0) this.k.to_f32(shiftOf(from), out.size, addressOf(x), out.ptr);
      return out;
    }
    if (dtype !== from) return this.onCpu([x], (cpu, [v]) => cpu.copy(v!, dtype));
    const out = this.allocRaw(dtype, sizeOf(x.shape));
    this.moveInto(out.ptr, contiguousStrides(x.shape), x);
    return out;
  }

  assign(dst: StridedView, src: StridedView): void {
    this.checkLive('assign');
    if (sizeOf(dst.shape) === 0) return;
    if (dst.storage === src.storage) {
      // NOTE: the two views may overlap; go through a copy so every read sees the old values
      const tmp = this.copy(src, src.storage.dtype) as WasmStorage;
      this.moveStrided(dst, {
        storage: tmp,
        shape: src.shape,
        strides: contiguousStrides(src.shape),
        offset: 0,
      });
      this.free(tmp);
      return;
    }
    this.moveStrided(dst, src);
  }

  unary(op: UnaryOp, x: StridedView): Storage {
    const code = OP_CODES.unary[op];
    if (x.storage.dtype !== 'float32' || code === undefined)
      return this.onCpu([x], (cpu, [v]) => cpu.unary(op, v!));
    const out = this.allocRaw('float32', sizeOf(x.shape));
    if (out.size === 0) return out;
    const rank = this.heap.writeMeta(x.shape, [x.strides]);
    this.k.unary_f32(code, rank, this.heap.meta, this.heap.offs, addressOf(x), out.ptr);
    return out;
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView): Storage {
    const code = OP_CODES.binary[op];
    if (a.storage.dtype !== 'float32' || code === undefined) {
      return this.onCpu([a, b], (cpu, [x, y]) => cpu.binary(op, x!, y!));
    }
    const bool = binaryResultDType(op, 'float32') === 'bool';
    const out = this.allocRaw(bool ? 'bool' : 'float32', sizeOf(a.shape));
    if (out.size === 0) return out;
    const rank = this.heap.writeMeta(a.shape, [a.strides, b.strides]);
    this.k.binary_f32(
      code,
      rank,
      this.heap.meta,
      this.heap.offs,
      addressOf(a),
      addressOf(b),
      out.ptr,
      bool ? 0 : 2,
    );
    return out;
  }

  where(cond: StridedView, a: StridedView, b: StridedView): Storage {
    const dtype = a.storage.dtype;
    const out = this.allocRaw(dtype, sizeOf(a.shape));
    if (out.size === 0) return out;
    const rank = this.heap.writeMeta(a.shape, [cond.strides, a.strides, b.strides]);
    this.k.where(
      shiftOf(dtype),
      rank,
      this.heap.meta,
      this.heap.offs,
      addressOf(cond),
      addressOf(a),
      addressOf(b),
      out.ptr,
    );
    return out;
  }

  reduce(op: ReduceOp, x: StridedView, axisCount: number): Storage {
    const code = OP_CODES.reduce[op];
    if (x.storage.dtype !== 'float32' || code === undefined) {
      return this.onCpu([x], (cpu, [v]) => cpu.reduce(op, v!, axisCount));
    }
    const keep = x.shape.length - axisCount;
    const outer = sizeOf(x.shape.slice(0, keep));
    const inner = sizeOf(x.shape.slice(keep));
    const out = this.allocRaw(reduceResultDType(op, 'float32'), outer);
    if (outer === 0) return out;
    const middle = op === 'sum' || op === 'max' || op === 'min' ? middleReduction(x, keep) : null;
    if (middle && middle.mid > 1) {
      const acc = this.scratchBlock(middle.inner * 8);
      const { outer: o, mid, inner: i } = middle;
      this.k.reduce_mid_f32(code, o, mid, i, addressOf(x), out.ptr, acc);
      return out;
    }
    this.withContiguous(x, (ptr) => this.k.reduce_rows_f32(code, outer, inner, ptr, out.ptr));
    return out;
  }

  matmul(a: StridedView, b: StridedView): Storage {
    if (a.storage.dtype !== 'float32') return this.onCpu([a, b], (cpu, [x, y]) => cpu.matmul(x!, y!));
    const rank = a.shape.length;
    const out = this.allocRaw('float32', sizeOf(a.shape.slice(0, rank - 1)) * b.shape[rank - 1]!);
    this.filling(out, () => this.gemm.multiply(a, b, out.ptr));
    return out;
  }

  gather(x: StridedView, axis: number, indices: StridedView): Storage {
    const outer = sizeOf(x.shape.slice(0, axis));
    const D = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    const count = sizeOf(indices.shape);
    const out = this.allocRaw(x.storage.dtype, outer * count * inner);
    if (out.size === 0) return out;
    const shift = shiftOf(x.storage.dtype);
    this.withContiguous(x, (xp) =>
      this.withContiguous(indices, (ip) => {
        if (inner !== 1 || shift !== 2) this.k.gather(shift, outer, D, inner, count, xp, ip, out.ptr);
        else
          this.withIndexRuns(ip, count, (runs) => {
            if (runs) this.k.gather_runs32(outer, D, count, runs.count, runs.ptr, xp, out.ptr);
            else this.k.gather(shift, outer, D, inner, count, xp, ip, out.ptr);
          });
      }),
    );
    return out;
  }

  scatterAdd(outShape: readonly number[], axis: number, indices: StridedView, src: StridedView): Storage {
    if (src.storage.dtype !== 'float32') {
      return this.onCpu([indices, src], (cpu, [i, s]) => cpu.scatterAdd(outShape, axis, i!, s!));
    }
    const out = this.alloc('float32', sizeOf(outShape));
    const count = sizeOf(indices.shape);
    if (out.size === 0 || count === 0) return out;
    const outer = sizeOf(outShape.slice(0, axis));
    const D = outShape[axis]!;
    const inner = sizeOf(outShape.slice(axis + 1));
    this.withContiguous(indices, (ip) =>
      this.withContiguous(src, (sp) => {
        if (inner !== 1) this.k.scatter_add_f32(outer, D, inner, count, ip, sp, out.ptr);
        else
          this.withIndexRuns(ip, count, (runs) => {
            if (runs) this.k.scatter_add_runs_f32(outer, D, count, runs.count, runs.ptr, sp, out.ptr);
            else this.k.scatter_add_f32(outer, D, inner, count, ip, sp, out.ptr);
          });
      }),
    );
    return out;
  }

  logSoftmax(x: StridedView): Storage {
    return this.softmaxOf(x, true);
  }

  softmax(x: StridedView): Storage {
    return this.softmaxOf(x, false);
  }

  conv2d(x: StridedView, w: StridedView, g: ConvGeometry): Storage {
    if (x.storage.dtype !== 'float32') return this.onCpu([x, w], (cpu, [a, b]) => cpu.conv2d(a!, b!, g));
    const out = this.allocRaw('float32', g.batch * g.outChannels * g.output[0] * g.output[1]);
    if (out.size > 0) this.filling(out, () => this.window.conv2d(x, w, g, out.ptr));
    return out;
  }

  conv2dInputGrad(dy: StridedView, w: StridedView, g: ConvGeometry): Storage {
    if (dy.storage.dtype !== 'float32')
      return this.onCpu([dy, w], (cpu, [a, b]) => cpu.conv2dInputGrad(a!, b!, g));
    const out = this.allocRaw('float32', g.batch * g.inChannels * g.input[0] * g.input[1]);
    if (out.size > 0) this.filling(out, () => this.window.conv2dInputGrad(dy, w, g, out.ptr));
    return out;
  }

  conv2dWeightGrad(x: StridedView, dy: StridedView, g: ConvGeometry): Storage {
    if (x.storage.dtype !== 'float32')
      return this.onCpu([x, dy], (cpu, [a, b]) => cpu.conv2dWeightGrad(a!, b!, g));
    const size = g.outChannels * (g.inChannels / g.groups) * g.kernel[0] * g.kernel[1];
    // no image: the sum over images is empty
    if (g.batch === 0) return this.alloc('float32', size);
    const out = this.allocRaw('float32', size);
    if (out.size > 0) this.filling(out, () => this.window.conv2dWeightGrad(x, dy, g, out.ptr));
    return out;
  }

  maxPool2d(x: StridedView, g: WindowGeometry): [Storage, Storage] {
    if (x.storage.dtype !== 'float32') {
      const [values, indices] = this.onCpuAll([x], (cpu, [v]) => cpu.maxPool2d(v!, g));
      return [values!, indices!];
    }
    const planes = sizeOf(x.shape) / (g.input[0] * g.input[1]);
    const values = this.allocRaw('float32', planes * g.output[0] * g.output[1]);
    const indices = this.allocRaw('int32', values.size);
    if (values.size > 0) this.window.maxPool2d(x, g, planes, values.ptr, indices.ptr);
    return [values, indices];
  }

  /** Stops the worker pool; every later op on this backend (or on its arrays) throws a BackendError. */
  maxPool2dGrad(dy: StridedView, indices: StridedView, g: WindowGeometry): Storage {
    if (dy.storage.dtype !== 'float32')
      return this.onCpu([dy, indices], (cpu, [a, i]) => cpu.maxPool2dGrad(a!, i!, g));
    const positions = g.output[0] * g.output[1];
    const planes = positions === 0 ? 0 : sizeOf(dy.shape) / positions;
    const out = this.alloc('float32', planes * g.input[0] * g.input[1]);
    if (planes > 0)
      this.k.max_pool_grad_f32(
        planes,
        g.input[0] * g.input[1],
        positions,
        addressOf(dy),
        addressOf(indices),
        out.ptr,
      );
    return out;
  }

  softmaxCrossEntropy(logits: StridedView, labels: StridedView): [Storage, Storage, Storage] {
    if (logits.storage.dtype !== 'float32') {
      const [loss, max, logSum] = this.onCpuAll([logits, labels], (cpu, [z, y]) =>
        cpu.softmaxCrossEntropy(z!, y!),
      );
      return [loss!, max!, logSum!];
    }
    const [rows, n] = logits.shape as [number, number];
    const [loss, max, logSum] = [0, 1, 2].map(() => this.allocRaw('float32', rows)) as [
      WasmStorage,
      WasmStorage,
      WasmStorage,
    ];
    if (rows > 0)
      this.k.cross_entropy_rows_f32(
        rows,
        n,
        addressOf(logits),
        addressOf(labels),
        loss.ptr,
        max.ptr,
        logSum.ptr,
      );
    return [loss, max, logSum];
  }

  softmaxCrossEntropyGrad(
    logits: StridedView,
    labels: StridedView,
    max: StridedView,
    logSum: StridedView,
    scale: StridedView,
  ): Storage {
    if (logits.storage.dtype !== 'float32')
      return this.onCpu([logits, labels, max, logSum, scale], (cpu, [z, y, m, l, s]) =>
        cpu.softmaxCrossEntropyGrad(z!, y!, m!, l!, s!),
      );
    const [rows, n] = logits.shape as [number, number];
    const grad = this.allocRaw('float32', rows * n);
    if (grad.size > 0)
      this.k.cross_entropy_grad_f32(
        rows,
        n,
        addressOf(logits),
        addressOf(labels),
        addressOf(max),
        addressOf(logSum),
        addressOf(scale),
        grad.ptr,
      );
    return grad;
  }

  lstmCell(gates: StridedView, c: StridedView): Storage {
    if (c.storage.dtype !== 'float32') return this.onCpu([gates, c], (cpu, [g, s]) => cpu.lstmCell(g!, s!));
    const [rows, H] = c.shape as [number, number];
    const out = this.allocRaw('float32', 2 * rows * H);
    if (out.size > 0) this.k.lstm_cell_f32(rows, H, addressOf(gates), addressOf(c), out.ptr);
    return out;
  }

  lstmCellGrad(gates: StridedView, c: StridedView, out: StridedView, dOut: StridedView): [Storage, Storage] {
    if (c.storage.dtype !== 'float32') {
      const [dg, dc] = this.onCpuAll([gates, c, out, dOut], (cpu, [g, s, o, d]) =>
        cpu.lstmCellGrad(g!, s!, o!, d!),
      );
      return [dg!, dc!];
    }
    const [rows, H] = c.shape as [number, number];
    const dGates = this.allocRaw('float32', 4 * rows * H);
    const dc = this.allocRaw('float32', rows * H);
    if (dc.size > 0)
      this.k.lstm_cell_grad_f32(
        rows,
        H,
        addressOf(gates),
        addressOf(c),
        addressOf(out),
        addressOf(dOut),
        dGates.ptr,
        dc.ptr,
      );
    return [dGates, dc];
  }

  gruCell(gi: StridedView, gh: StridedView, h: StridedView): Storage {
    if (h.storage.dtype !== 'float32')
      return this.onCpu([gi, gh, h], (cpu, [a, b, s]) => cpu.gruCell(a!, b!, s!));
    const [rows, H] = h.shape as [number, number];
    const out = this.allocRaw('float32', rows * H);
    if (out.size > 0) this.k.gru_cell_f32(rows, H, addressOf(gi), addressOf(gh), addressOf(h), out.ptr);
    return out;
  }

  gruCellGrad(
    gi: StridedView,
    gh: StridedView,
    h: StridedView,
    dOut: StridedView,
  ): [Storage, Storage, Storage] {
    if (h.storage.dtype !== 'float32') {
      const [a, b, d] = this.onCpuAll([gi, gh, h, dOut], (cpu, [x, y, s, g]) =>
        cpu.gruCellGrad(x!, y!, s!, g!),
      );
      return [a!, b!, d!];
    }
    const [rows, H] = h.shape as [number, number];
    const dgi = this.allocRaw('float32', 3 * rows * H);
    const dgh = this.allocRaw('float32', 3 * rows * H);
    const dh = this.allocRaw('float32', rows * H);
    if (dh.size > 0)
      this.k.gru_cell_grad_f32(
        rows,
        H,
        addressOf(gi),
        addressOf(gh),
        addressOf(h),
        addressOf(dOut),
        dgi.ptr,
        dgh.ptr,
        dh.ptr,
      );
    return [dgi, dgh, dh];
  }

  dispose(): void {
    this.disposedBecause ??= `the wasm backend '${this.name}' was disposed (removed or replaced in the registry); create a new one with createWasmBackend and move your arrays there`;
    this.gemm.dispose();
  }

  private checkLive(op: string): void {
    if (this.disposedBecause !== null) throw new BackendError(op, this.disposedBecause);
  }

  /** Runs a kernel that fills `out`, freeing `out` if it throws (a worker fault). */
  private filling(out: WasmStorage, kernel: () => void): void {
    try {
      kernel();
    } catch (error) {
      this.free(out);
      throw error;
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────
  /** Runs `f` on the CPU reference backend (see `kernels/fallback.ts`) and moves its result into wasm memory. */
  private onCpu(
    views: readonly StridedView[],
    f: (cpu: CpuBackend, views: StridedView[]) => Storage,
  ): WasmStorage {
    return this.onCpuAll(views, f)[0]!;
  }

  /** The same, for kernels with several results. */
  private onCpuAll(
    views: readonly StridedView[],
    f: (cpu: CpuBackend, views: StridedView[]) => Storage | readonly Storage[],
  ): WasmStorage[] {
    return this.fallback.run(views, f).map(({ dtype, data }) => this.upload(dtype, data));
  }

  private softmaxOf(x: StridedView, log: boolean): Storage {
    if (x.storage.dtype !== 'float32') {
      return this.onCpu([x], (cpu, [v]) => (log ? cpu.logSoftmax(v!) : cpu.softmax(v!)));
    }
    const out = this.allocRaw('float32', sizeOf(x.shape));
    if (out.size === 0) return out;
    const n = x.shape[x.shape.length - 1]!;
    this.withContiguous(x, (ptr) => this.k.softmax_rows_f32(log ? 1 : 0, out.size / n, n, ptr, out.ptr));
    return out;
  }

  /** Runs `f` on the address of the view's elements in row-major order (a temporary copy if strided). */
  private withContiguous(view: StridedView, f: (ptr: number) => void): void {
    if (isContiguous(view.shape, view.strides)) {
      f(addressOf(view));
      return;
    }
    const tmp = this.copy(view, view.storage.dtype);
    try {
      f((tmp as WasmStorage).ptr);
    } finally {
      this.free(tmp);
    }
  }

  private moveInto(dstPtr: number, dstStrides: readonly number[], src: StridedView): void {
    if (sizeOf(src.shape) === 0) return;
    const rank = this.heap.writeMeta(src.shape, [dstStrides, src.strides]);
    this.k.move(shiftOf(src.storage.dtype), rank, this.heap.meta, this.heap.offs, dstPtr, addressOf(src));
  }

  private moveStrided(dst: StridedView, src: StridedView): void {
    this.moveInto(addressOf(dst), dst.strides, src);
  }

  /**
   * Runs `f` with the index list split into runs of consecutive positions (a temporary block of
   * (j, first, length) triples), or with null when its runs are too short (< 2 on average) for
   * moving by runs to beat one element per index.
   */
  private withIndexRuns(
    idx: number,
    count: number,
    f: (runs: { ptr: number; count: number } | null) => void,
  ) {
    const block = Allocator.sizeClass(count * 12);
    const ptr = this.heap.allocator.alloc(block);
    try {
      const runCount = this.k.index_runs(count, idx, ptr);
      f(runCount * 2 <= count ? { ptr, count: runCount } : null);
    } finally {
      this.heap.allocator.free(ptr, block);
    }
  }

  /** A reusable scratch block of at least `bytes` (kept per size class, never counted as live). */
  private scratchBlock(bytes: number): number {
    const size = Allocator.sizeClass(bytes);
    let ptr = this.scratch.get(size);
    if (ptr === undefined) {
      ptr = this.heap.allocator.alloc(size);
      this.scratch.set(size, ptr);
    }
    return ptr;
  }
}

/**
 * When the view reduced over its trailing `rank − keep` axes is a contiguous block laid out as
 * [some kept axes, the reduced axes, the other kept axes] in memory — a reduction over middle axes,
 * such as a pooling window's taps or the batch axis of a bias gradient — its three sizes; else
 * null (the reduced axes already trail in memory, or the view is not one block).
 */
function middleReduction(x: StridedView, keep: number): { outer: number; mid: number; inner: number } | null {
  const kept = [...x.shape.keys()].slice(0, keep);
  const reduced = [...x.shape.keys()].slice(keep);
  const size = (axes: number[]) => axes.reduce((n, a) => n * x.shape[a]!, 1);
  for (let split = 0; split < keep; split++) {
    const order = [...kept.slice(0, split), ...reduced, ...kept.slice(split)];
    const expected = contiguousStrides(order.map((a) => x.shape[a]!));
    if (order.every((axis, i) => x.shape[axis] === 1 || x.strides[axis] === expected[i])) {
      return { outer: size(kept.slice(0, split)), mid: size(reduced), inner: size(kept.slice(split)) };
    }
  }
  return null;
}
