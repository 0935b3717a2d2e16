import type { StridedView } from '../backend/backend.js';
import type { TypedArray } from '../dtype.js';
import { sizeOf } from '../shape/shape.js';
import { contiguousData } from './elementwise.js';

// Both kernels see x as [outer, D, inner]: `axis` splits the shape into what comes before it
// (outer), the indexed axis (D) and what comes after it (inner, copied as whole blocks).

/** `out = x.indexSelect(axis, indices)` into the contiguous `out`. */
export function gatherInto(x: StridedView, axis: number, indices: StridedView, out: TypedArray): void {
  const outer = sizeOf(x.shape.slice(0, axis));
  const D = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const { data: src, start } = contiguousData(x);
  const { data: idx, start: i0 } = contiguousData(indices);
  const count = sizeOf(indices.shape);
  let o = 0;
  for (let r = 0; r < outer; r++) {
    const base = start + r * D * inner;
    if (inner === 1) {
      // element gathers (im2col, flat indices): a plain loop beats a subarray per element
      for (let j = 0; j < count; j++) out[o++] = src[base + idx[i0 + j]!]!;
      continue;
    }
    for (let j = 0; j < count; j++) {
      const from = base + idx[i0 + j]! * inner;
      out.set(src.subarray(from, from + inner), o);
      o += inner;
    }
  }
}

/** Adds each slice of `src` into the zero-filled `out` at `indices[j]` along `axis`. */
export function scatterAddInto(
  outShape: readonly number[],
  axis: number,
  indices: StridedView,
  src: StridedView,
  out: TypedArray,
): void {
  const outer = sizeOf(outShape.slice(0, axis));
  const D = outShape[axis]!;
  const inner = sizeOf(outShape.slice(axis + 1));
  const { data: s, start } = contiguousData(src);
  const { data: idx, start: i0 } = contiguousData(indices);
  const count = sizeOf(indices.shape);
  let from = start;
  for (let r = 0; r < outer; r++) {
    for (let j = 0; j < count; j++) {
      const to = (r * D + idx[i0 + j]!) * inner;
      for (let t = 0; t < inner; t++) out[to + t]! += s[from + t]!;
      from += inner;
    }
  }
}
