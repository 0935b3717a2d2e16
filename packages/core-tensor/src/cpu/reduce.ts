import type { StridedView } from '../backend/backend.js';
import type { ReduceOp } from '../backend/ops.js';
import type { TypedArray } from '../dtype.js';
import { contiguousStrides, sizeOf } from '../shape/shape.js';
import { dataOf } from './cpu-storage.js';
import { contiguousData } from './elementwise.js';

type RowReducer = (src: TypedArray, start: number, n: number) => number;

// One tight loop per op; accumulation happens in float64. NaN propagates through max/min like PyTorch.
const ROW_REDUCERS: Record<ReduceOp, RowReducer> = {
  sum(src, start, n) {
    let acc = 0;
    for (let i = start, end = start + n; i < end; i++) acc += src[i]!;
    return acc;
  },
  prod(src, start, n) {
    let acc = 1;
    for (let i = start, end = start + n; i < end; i++) acc *= src[i]!;
    return acc;
  },
  max(src, start, n) {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = start, end = start + n; i < end; i++) {
      const v = src[i]!;
      if (v > m || Number.isNaN(v)) m = v;
      if (Number.isNaN(m)) break;
    }
    return m;
  },
  min(src, start, n) {
    let m = Number.POSITIVE_INFINITY;
    for (let i = start, end = start + n; i < end; i++) {
      const v = src[i]!;
      if (v < m || Number.isNaN(v)) m = v;
      if (Number.isNaN(m)) break;
    }
    return m;
  },
  argmax(src, start, n) {
    let m = Number.NEGATIVE_INFINITY;
    let best = 0;
    for (let i = 0; i < n; i++) {
      const v = src[start + i]!;
      if (Number.isNaN(v)) return i; // NaN counts as the maximum, as in PyTorch
      if (v > m) {
        m = v;
        best = i;
      }
    }
    return best;
  },
  argmin(src, start, n) {
    let m = Number.POSITIVE_INFINITY;
    let best = 0;
    for (let i = 0; i < n; i++) {
      const v = src[start + i]!;
      if (Number.isNaN(v)) return i;
      if (v < m) {
        m = v;
        best = i;
      }
    }
    return best;
  },
};

/** Reduces the trailing `axisCount` axes of `x` into the contiguous `out`. */
export function reduceInto(op: ReduceOp, x: StridedView, axisCount: number, out: TypedArray): void {
  const keep = x.shape.length - axisCount;
  const outer = sizeOf(x.shape.slice(0, keep));
  const inner = sizeOf(x.shape.slice(keep));
  if (outer === 0) return;
  if (op === 'sum' && keep > 0 && inner > 1 && reducedAxesLeadInMemory(x, keep)) {
    sumColumns(dataOf(x), x.offset, inner, outer, out);
    return;
  }
  const { data: src, start } = contiguousData(x);
  const reduceRow = ROW_REDUCERS[op];
  for (let r = 0; r < outer; r++) out[r] = reduceRow(src, start + r * inner, inner);
}

// True when x is a permuted view of a contiguous array laid out as [reduced axes..., kept axes...]:
// e.g. summing a [N, D] matrix over N (a bias gradient). We then add whole rows into `out`.
function reducedAxesLeadInMemory(x: StridedView, keep: number): boolean {
  const order = [...x.shape.keys()].slice(keep).concat([...x.shape.keys()].slice(0, keep));
  const expected = contiguousStrides(order.map((a) => x.shape[a]!));
  return order.every((axis, i) => x.shape[axis] === 1 || x.strides[axis] === expected[i]);
}

function sumColumns(src: TypedArray, start: number, rows: number, cols: number, out: TypedArray): void {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = start + r * cols;
    for (let c = 0; c < cols; c++) acc[c]! += src[base + c]!;
  }
  for (let c = 0; c < cols; c++) out[c] = acc[c]!;
}
