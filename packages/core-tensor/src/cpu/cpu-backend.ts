import type { Backend, BackendMemory, Storage, StridedView } from '../backend/backend.js';
import {
  type BinaryOp,
  binaryResultDType,
  type FusedActivation,
  type ReduceOp,
  reduceResultDType,
  type UnaryOp,
} from '../backend/ops.js';
import { allocTyped, bytesPerElement, type DType, type TypedArray } from '../dtype.js';
import { roundToFloat16InPlace } from '../float16.js';
import { contiguousStrides, sizeOf } from '../shape/shape.js';
import type { ConvGeometry, WindowGeometry } from '../shape/window.js';
import {
  conv2dInputGradInto,
  conv2dInto,
  conv2dWeightGradInto,
  maxPool2dGradInto,
  maxPool2dInto,
} from './conv.js';
import { CpuStorage } from './cpu-storage.js';
import { softmaxCrossEntropyGradInto, softmaxCrossEntropyInto } from './cross-entropy.js';
import { assignStrided, binaryInto, unaryInto, whereInto } from './elementwise.js';
import { activationGradInto, biasActivationInPlace } from './epilogue.js';
import { gatherInto, scatterAddInto } from './indexing.js';
import { matmulInto } from './matmul.js';
import { gruCellGradInto, gruCellInto, lstmCellGradInto, lstmCellInto } from './recurrent.js';
import { reduceInto } from './reduce.js';
import { softmaxInto } from './softmax.js';

/**
 * The CPU reference backend: plain TypeScript over typed arrays. Every other backend is tested
 * against it. Memory is garbage-collected, but allocations are still counted so that code which
 * forgets to `dispose()` shows up in `memory()` here exactly as it would on a GPU.
 */
export class CpuBackend implements Backend {
  readonly name: string;
  private liveBuffers = 0;
  private liveBytes = 0;

  constructor(name = 'cpu') {
    this.name = name;
    // float16 results are computed as float32 are, then rounded to binary16 (one wrapper, so no
    // kernel needs to know about float16); ops that only move values need no rounding
    for (const method of COMPUTING) {
      const compute = this[method] as (...args: unknown[]) => Storage | (Storage | null)[];
      Object.defineProperty(this, method, {
        value: (...args: unknown[]) => roundFloat16Results(compute.apply(this, args)),
        configurable: true,
        writable: true,
      });
    }
  }

  alloc(dtype: DType, size: number): CpuStorage {
    this.liveBuffers++;
    this.liveBytes += size * bytesPerElement(dtype);
    return new CpuStorage(this, dtype, allocTyped(dtype, size));
  }

  upload(dtype: DType, data: TypedArray): CpuStorage {
    const storage = this.alloc(dtype, data.length);
    storage.data.set(data);
    if (dtype === 'float16') roundToFloat16InPlace(storage.data);
    return storage;
  }

  async read(storage: Storage): Promise<TypedArray> {
    return (storage as CpuStorage).data.slice();
  }

  readSync(storage: Storage): TypedArray {
    return (storage as CpuStorage).data.slice();
  }

  free(storage: Storage): void {
    this.liveBuffers--;
    this.liveBytes -= storage.size * bytesPerElement(storage.dtype);
  }

  memory(): BackendMemory {
    return { buffers: this.liveBuffers, bytes: this.liveBytes };
  }

  fill(dtype: DType, size: number, value: number): Storage {
    const out = this.alloc(dtype, size);
    if (value !== 0) out.data.fill(value);
    return out;
  }

  copy(x: StridedView, dtype: DType): Storage {
    const out = this.alloc(dtype, sizeOf(x.shape));
    this.assignInto(out, x, dtype === 'bool' && x.storage.dtype !== 'bool');
    return out;
  }

  assign(dst: StridedView, src: StridedView): void {
    assignStrided(dst, src, false);
  }

  unary(op: UnaryOp, x: StridedView): Storage {
    const out = this.alloc(x.storage.dtype, sizeOf(x.shape));
    unaryInto(op, x, out.data);
    return out;
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView): Storage {
    const out = this.alloc(binaryResultDType(op, a.storage.dtype), sizeOf(a.shape));
    binaryInto(op, a, b, out.data);
    return out;
  }

  where(cond: StridedView, a: StridedView, b: StridedView): Storage {
    const out = this.alloc(a.storage.dtype, sizeOf(a.shape));
    whereInto(cond, a, b, out.data);
    return out;
  }

  reduce(op: ReduceOp, x: StridedView, axisCount: number): Storage {
    const out = this.alloc(
      reduceResultDType(op, x.storage.dtype),
      sizeOf(x.shape.slice(0, x.shape.length - axisCount)),
    );
    reduceInto(op, x, axisCount, out.data);
    return out;
  }

  matmul(a: StridedView, b: StridedView): Storage {
    const rank = a.shape.length;
    const out = this.alloc(a.storage.dtype, sizeOf(a.shape.slice(0, rank - 1)) * b.shape[rank - 1]!);
    matmulInto(a, b, out.data);
    return out;
  }

  matmulBiasActivation(
    a: StridedView,
    b: StridedView,
    bias: StridedView | null,
    activation: FusedActivation,
  ): Storage {
    const out = this.matmul(a, b) as CpuStorage;
    biasActivationInPlace(out.data, b.shape[b.shape.length - 1]!, bias, activation);
    return out;
  }

  activationGrad(activation: FusedActivation, y: StridedView, dy: StridedView): Storage {
    const out = this.alloc(y.storage.dtype, sizeOf(y.shape));
    activationGradInto(activation, y, dy, out.data);
    return out;
  }

  gather(x: StridedView, axis: number, indices: StridedView): Storage {
    const size = sizeOf(x.shape.slice(0, axis)) * sizeOf(indices.shape) * sizeOf(x.shape.slice(axis + 1));
    const out = this.alloc(x.storage.dtype, size);
    gatherInto(x, axis, indices, out.data);
    return out;
  }

  scatterAdd(outShape: readonly number[], axis: number, indices: StridedView, src: StridedView): Storage {
    const out = this.alloc(src.storage.dtype, sizeOf(outShape));
    scatterAddInto(outShape, axis, indices, src, out.data);
    return out;
  }

  logSoftmax(x: StridedView): Storage {
    const out = this.alloc(x.storage.dtype, sizeOf(x.shape));
    softmaxInto(x, out.data, true);
    return out;
  }

  softmax(x: StridedView): Storage {
    const out = this.alloc(x.storage.dtype, sizeOf(x.shape));
    softmaxInto(x, out.data, false);
    return out;
  }

  conv2d(x: StridedView, w: StridedView, g: ConvGeometry): Storage {
    const out = this.alloc(x.storage.dtype, g.batch * g.outChannels * g.output[0] * g.output[1]);
    conv2dInto(x, w, g, out.data);
    return out;
  }

  conv2dInputGrad(dy: StridedView, w: StridedView, g: ConvGeometry): Storage {
    const out = this.alloc(dy.storage.dtype, g.batch * g.inChannels * g.input[0] * g.input[1]);
    conv2dInputGradInto(dy, w, g, out.data);
    return out;
  }

  conv2dWeightGrad(x: StridedView, dy: StridedView, g: ConvGeometry): Storage {
    const size = g.outChannels * (g.inChannels / g.groups) * g.kernel[0] * g.kernel[1];
    const out = this.alloc(x.storage.dtype, size);
    conv2dWeightGradInto(x, dy, g, out.data);
    return out;
  }

  maxPool2d(x: StridedView, g: WindowGeometry): [Storage, Storage] {
    const size = (sizeOf(x.shape) / (g.input[0] * g.input[1])) * g.output[0] * g.output[1];
    const values = this.alloc(x.storage.dtype, size);
    const indices = this.alloc('int32', size);
    maxPool2dInto(x, g, values.data, indices.data as Int32Array);
    return [values, indices];
  }

  maxPool2dGrad(dy: StridedView, indices: StridedView, g: WindowGeometry): Storage {
    const planes = sizeOf(dy.shape) / (g.output[0] * g.output[1] || 1);
    const out = this.alloc(dy.storage.dtype, planes * g.input[0] * g.input[1]);
    maxPool2dGradInto(dy, indices, g, out.data);
    return out;
  }

  softmaxCrossEntropy(logits: StridedView, labels: StridedView): [Storage, Storage, Storage] {
    const rows = logits.shape[0]!;
    const [loss, max, logSum] = [0, 1, 2].map(() => this.alloc(logits.storage.dtype, rows)) as [
      CpuStorage,
      CpuStorage,
      CpuStorage,
    ];
    softmaxCrossEntropyInto(logits, labels, loss.data, max.data, logSum.data);
    return [loss, max, logSum];
  }

  softmaxCrossEntropyGrad(
    logits: StridedView,
    labels: StridedView,
    max: StridedView,
    logSum: StridedView,
    scale: StridedView,
  ): Storage {
    const grad = this.alloc(logits.storage.dtype, sizeOf(logits.shape));
    softmaxCrossEntropyGradInto(logits, labels, max, logSum, scale, grad.data);
    return grad;
  }

  lstmCell(gates: StridedView, c: StridedView): Storage {
    const out = this.alloc(c.storage.dtype, 2 * sizeOf(c.shape));
    lstmCellInto(gates, c, out.data);
    return out;
  }

  lstmCellGrad(gates: StridedView, c: StridedView, out: StridedView, dOut: StridedView): [Storage, Storage] {
    const dGates = this.alloc(c.storage.dtype, sizeOf(gates.shape));
    const dc = this.alloc(c.storage.dtype, sizeOf(c.shape));
    lstmCellGradInto(gates, c, out, dOut, dGates.data, dc.data);
    return [dGates, dc];
  }

  gruCell(gi: StridedView, gh: StridedView, h: StridedView): Storage {
    const out = this.alloc(h.storage.dtype, sizeOf(h.shape));
    gruCellInto(gi, gh, h, out.data);
    return out;
  }

  gruCellGrad(
    gi: StridedView,
    gh: StridedView,
    h: StridedView,
    dOut: StridedView,
  ): [Storage, Storage, Storage] {
    const [dgi, dgh, dh] = [sizeOf(gi.shape), sizeOf(gh.shape), sizeOf(h.shape)].map((n) =>
      this.alloc(h.storage.dtype, n),
    ) as [CpuStorage, CpuStorage, CpuStorage];
    gruCellGradInto(gi, gh, h, dOut, dgi.data, dgh.data, dh.data);
    return [dgi, dgh, dh];
  }

  private assignInto(out: CpuStorage, src: StridedView, toBool: boolean): void {
    assignStrided(
      { storage: out, shape: src.shape, strides: contiguousStrides(src.shape), offset: 0 },
      src,
      toBool,
    );
  }
}

/** The methods that compute new values (the rest move values a float16 array already holds). */
const COMPUTING = [
  'fill',
  'copy',
  'unary',
  'binary',
  'reduce',
  'matmul',
  'matmulBiasActivation',
  'activationGrad',
  'scatterAdd',
  'logSoftmax',
  'softmax',
  'conv2d',
  'conv2dInputGrad',
  'conv2dWeightGrad',
  'maxPool2dGrad',
  'softmaxCrossEntropy',
  'softmaxCrossEntropyGrad',
  'lstmCell',
  'lstmCellGrad',
  'gruCell',
  'gruCellGrad',
] as const satisfies readonly (keyof CpuBackend)[];

function roundFloat16Results<R extends Storage | (Storage | null)[]>(result: R): R {
  for (const s of Array.isArray(result) ? result : [result])
    if (s?.dtype === 'float16') roundToFloat16InPlace((s as CpuStorage).data);
  return result;
}
