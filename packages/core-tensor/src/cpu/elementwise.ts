import type { StridedView } from '../backend/backend.js';
import type { BinaryOp, UnaryOp } from '../backend/ops.js';
import { allocTyped, type TypedArray } from '../dtype.js';
import { contiguousStrides, isContiguous, sizeOf } from '../shape/shape.js';
import { CpuStorage, dataOf } from './cpu-storage.js';
import {
  BINARY_KERNELS,
  INT32_BINARY_KERNELS,
  INT32_UNARY_KERNELS,
  UNARY_KERNELS,
} from './elementwise.gen.js';
import { forEachRun } from './strided.js';

/** Element-wise unary op into the contiguous `out`. */
export function unaryInto(op: UnaryOp, x: StridedView, out: TypedArray): void {
  const kernel = (x.storage.dtype === 'int32' && INT32_UNARY_KERNELS[op]) || UNARY_KERNELS[op];
  const src = dataOf(x);
  let o = 0;
  forEachRun(x.shape, [x.strides], [x.offset], (offs, n, s) => {
    kernel(src, offs[0]!, s[0]!, out, o, n);
    o += n;
  });
}

/** Element-wise binary op of two same-shape views into the contiguous `out`. */
export function binaryInto(op: BinaryOp, a: StridedView, b: StridedView, out: TypedArray): void {
  const kernel = (a.storage.dtype === 'int32' && INT32_BINARY_KERNELS[op]) || BINARY_KERNELS[op];
  const da = dataOf(a);
  const db = dataOf(b);
  let o = 0;
  forEachRun(a.shape, [a.strides, b.strides], [a.offset, b.offset], (offs, n, s) => {
    kernel(da, offs[0]!, s[0]!, db, offs[1]!, s[1]!, out, o, n);
    o += n;
  });
}

/** `cond ? a : b` into the contiguous `out`. */
export function whereInto(cond: StridedView, a: StridedView, b: StridedView, out: TypedArray): void {
  const dc = dataOf(cond);
  const da = dataOf(a);
  const db = dataOf(b);
  let o = 0;
  forEachRun(
    cond.shape,
    [cond.strides, a.strides, b.strides],
    [cond.offset, a.offset, b.offset],
    (offs, n, s) => {
      const [oc, oa, ob] = offs as [number, number, number];
      const [sc, sa, sb] = s as [number, number, number];
      for (let i = 0; i < n; i++) out[o + i] = dc[oc + i * sc] ? da[oa + i * sa]! : db[ob + i * sb]!;
      o += n;
    },
  );
}

/**
 * Copies `src` into the (possibly strided) `dst`. Typed-array stores do the dtype conversion:
 * float → int truncates toward zero; into bool storage we store `x != 0` explicitly.
 */
export function assignStrided(dst: StridedView, src: StridedView, toBool: boolean): void {
  const dd = dataOf(dst);
  const ds = dataOf(src);
  forEachRun(dst.shape, [dst.strides, src.strides], [dst.offset, src.offset], (offs, n, s) => {
    const [od, os] = offs as [number, number];
    const [sd, ss] = s as [number, number];
    if (toBool) for (let i = 0; i < n; i++) dd[od + i * sd] = ds[os + i * ss] ? 1 : 0;
    else if (sd === 1 && ss === 1) dd.set(ds.subarray(os, os + n), od);
    else for (let i = 0; i < n; i++) dd[od + i * sd] = ds[os + i * ss]!;
  });
}

/** The view's elements in row-major order: the storage itself when already contiguous, else a copy. */
export function contiguousData(view: StridedView): { data: TypedArray; start: number } {
  if (isContiguous(view.shape, view.strides)) return { data: dataOf(view), start: view.offset };
  const data = allocTyped(view.storage.dtype, sizeOf(view.shape));
  const tmp = new CpuStorage(view.storage.backend, view.storage.dtype, data);
  assignStrided(
    { storage: tmp, shape: view.shape, strides: contiguousStrides(view.shape), offset: 0 },
    view,
    false,
  );
  return { data, start: 0 };
}
