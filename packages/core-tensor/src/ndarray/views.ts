import { fmtShape, IndexError, ShapeError, ValueError } from '../errors.js';
import { broadcastStrides, contiguousStrides, normalizeAxes, normalizeAxis, sizeOf } from '../shape/shape.js';
import { NDArray } from './ndarray.js';

/**
 * Views: each function here only rewrites shape/strides/offset over the same storage (O(1)),
 * except `contiguous` and the one `reshape` case that strides cannot express.
 */

/** One axis of a slice: an index (drops the axis), `null`/`undefined` (whole axis) or `[start, stop, step]`. */
export type SliceSpec =
  | number
  | null
  | undefined
  | readonly [start?: number | null, stop?: number | null, step?: number];

export function reshape(x: NDArray, requested: readonly number[]): NDArray {
  x.checkLive('reshape');
  const shape = inferShape(x, requested);
  const strides = reshapeStrides(x.shape, x.strides, shape);
  if (strides) return x.viewAs(shape, strides, x.offset, 'reshape');
  const dense = contiguous(x);
  const result = dense.viewAs(shape, contiguousStrides(shape), 0);
  dense.dispose();
  return result;
}

function inferShape(x: NDArray, requested: readonly number[]): number[] {
  const shape = [...requested];
  const unknown = shape.indexOf(-1);
  if (shape.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown))) {
    throw new ValueError(
      'reshape',
      `invalid target shape ${fmtShape(requested)}: use non-negative sizes and at most one -1`,
    );
  }
  if (unknown >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        'reshape',
        `cannot infer -1 in ${fmtShape(requested)} for ${x.size} elements (shape ${fmtShape(x.shape)})`,
      );
    }
    shape[unknown] = x.size / known;
  }
  if (sizeOf(shape) !== x.size) {
    throw new ShapeError(
      'reshape',
      `cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)} (${sizeOf(shape)} elements)`,
    );
  }
  return shape;
}

// Strides that express `newShape` over the same memory, or null when a copy is needed
// (NumPy's rule: each group of old axes merged or split must be contiguous within itself).
function reshapeStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: number[],
): number[] | null {
  // NOTE: before the loop — with a zero-sized axis the group counts never meet (2 vs 0 grew to NaN: a hang)
  if (sizeOf(newShape) === 0) return contiguousStrides(newShape);
  const oldDims: number[] = [];
  const oldSt: number[] = [];
  oldShape.forEach((d, i) => {
    if (d !== 1) {
      oldDims.push(d);
      oldSt.push(oldStrides[i]!);
    }
  });
  const strides = new Array<number>(newShape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (ni < newShape.length && oi < oldDims.length) {
    if (newShape[ni] === 1) {
      ni++;
      continue;
    }
    // grow a group of old axes [oi, oj) and new axes [ni, nj) with equal element counts
    let oj = oi + 1;
    let nj = ni + 1;
    let oldCount = oldDims[oi]!;
    let newCount = newShape[ni]!;
    while (oldCount !== newCount) {
      if (oldCount < newCount) oldCount *= oldDims[oj++]!;
      else newCount *= newShape[nj++]!;
    }
    for (let k = oi; k < oj - 1; k++) if (oldSt[k] !== oldSt[k + 1]! * oldDims[k + 1]!) return null;
    let stride = oldSt[oj - 1]!;
    for (let k = nj - 1; k >= ni; k--) {
      strides[k] = stride;
      stride *= newShape[k]!;
    }
    oi = oj;
    ni = nj;
  }
  return strides;
}

export function permute(x: NDArray, axes: readonly number[]): NDArray {
  const rank = x.rank;
  if (axes.length !== rank) {
    throw new ShapeError(
      'permute',
      `got ${axes.length} axes [${axes.join(',')}] for an array of rank ${rank} (shape ${fmtShape(x.shape)})`,
    );
  }
  const order = axes.map((a) => normalizeAxis('permute', a, rank));
  if (new Set(order).size !== rank)
    throw new IndexError('permute', `axes [${axes.join(',')}] are not a permutation of 0..${rank - 1}`);
  return x.viewAs(
    order.map((a) => x.shape[a]!),
    order.map((a) => x.strides[a]!),
    x.offset,
    'permute',
  );
}

export function transpose(x: NDArray, axis0: number, axis1: number): NDArray {
  x.checkLive('transpose');
  if (x.rank < 2) return x.viewAs(x.shape, x.strides, x.offset, 'transpose');
  const order = [...x.shape.keys()];
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  [order[a], order[b]] = [order[b]!, order[a]!];
  return permute(x, order);
}

export function slice(x: NDArray, specs: readonly SliceSpec[]): NDArray {
  if (specs.length > x.rank) {
    throw new IndexError(
      'slice',
      `got ${specs.length} slice specs for an array of rank ${x.rank} (shape ${fmtShape(x.shape)})`,
    );
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = x.offset;
  x.shape.forEach((size, axis) => {
    const spec = specs[axis];
    const stride = x.strides[axis]!;
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -size || spec >= size) {
        throw new IndexError(
          'slice',
          `index ${spec} is out of range for axis ${axis} of size ${size} (shape ${fmtShape(x.shape)})`,
        );
      }
      offset += (spec < 0 ? spec + size : spec) * stride;
      return;
    }
    const [start, count, step] = resolveRange(spec ?? [], size, axis);
    offset += start * stride;
    shape.push(count);
    strides.push(stride * step);
  });
  return x.viewAs(shape, strides, offset, 'slice');
}

// Python slice semantics: clamp start/stop, negatives from the end, step ≠ 0.
function resolveRange(
  spec: Exclude<SliceSpec, number | null | undefined>,
  size: number,
  axis: number,
): [number, number, number] {
  const step = spec[2] ?? 1;
  if (!Number.isInteger(step) || step === 0)
    throw new ValueError('slice', `step must be a non-zero integer on axis ${axis}, got ${step}`);
  const clampIndex = (v: number | null | undefined, fallback: number, lo: number, hi: number) => {
    if (v === null || v === undefined) return fallback;
    if (!Number.isInteger(v))
      throw new ValueError('slice', `bounds must be integers on axis ${axis}, got ${v}`);
    const i = v < 0 ? v + size : v;
    return Math.min(Math.max(i, lo), hi);
  };
  if (step > 0) {
    const start = clampIndex(spec[0], 0, 0, size);
    const stop = clampIndex(spec[1], size, 0, size);
    return [start, Math.max(0, Math.ceil((stop - start) / step)), step];
  }
  const start = clampIndex(spec[0], size - 1, -1, size - 1);
  const stop = clampIndex(spec[1], -1, -1, size - 1);
  return [start, Math.max(0, Math.ceil((stop - start) / step)), step];
}

export function expand(x: NDArray, requested: readonly number[]): NDArray {
  const lead = requested.length - x.rank;
  const shape = requested.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead]! : d));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(
      'expand',
      `invalid target shape ${fmtShape(requested)} for ${fmtShape(x.shape)} (-1 keeps an existing size)`,
    );
  }
  return x.viewAs(shape, broadcastStrides('expand', x.shape, x.strides, shape), x.offset, 'expand');
}

export function squeeze(x: NDArray, axis: number | readonly number[] | undefined): NDArray {
  const drop =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, x.rank);
  for (const a of drop) {
    if (x.shape[a] !== 1)
      throw new ShapeError('squeeze', `axis ${a} has size ${x.shape[a]}, not 1 (shape ${fmtShape(x.shape)})`);
  }
  const keepAxis = (_: number, i: number) => !drop.includes(i);
  return x.viewAs(x.shape.filter(keepAxis), x.strides.filter(keepAxis), x.offset, 'squeeze');
}

export function unsqueeze(x: NDArray, axis: number): NDArray {
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(a, 0, 1);
  strides.splice(a, 0, a < x.rank ? x.strides[a]! * x.shape[a]! : 1);
  return x.viewAs(shape, strides, x.offset, 'unsqueeze');
}

export function flatten(x: NDArray, startAxis: number, endAxis: number): NDArray {
  x.checkLive('flatten');
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startAxis, x.rank);
  const e = normalizeAxis('flatten', endAxis, x.rank);
  if (s > e)
    throw new IndexError(
      'flatten',
      `startAxis ${startAxis} comes after endAxis ${endAxis} for rank ${x.rank}`,
    );
  const merged = sizeOf(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

export function contiguous(x: NDArray): NDArray {
  if (x.isContiguous) return x.viewAs(x.shape, x.strides, x.offset, 'contiguous');
  return NDArray.fromStorage(x.backend.copy(x.view('contiguous'), x.dtype), x.shape, x.dtype);
}

/** Throws unless `x` holds exactly one element. */
export function assertSingleElement(op: string, x: NDArray): void {
  if (x.size !== 1)
    throw new ShapeError(
      op,
      `needs a one-element array, got shape ${fmtShape(x.shape)} (${x.size} elements)`,
    );
}
