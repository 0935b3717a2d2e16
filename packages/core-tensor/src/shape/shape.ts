import { fmtShape, IndexError, ShapeError, ValueError } from '../errors.js';

/** A shape: one non-negative integer size per axis. `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous array with this shape, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when a strided layout walks its elements in row-major order with no gaps. */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/** The most elements an array may have (2³², a typed array's limit); zero-sized axes are left out. */
export const MAX_ELEMENTS = 2 ** 32;

/**
 * Validates a user-given shape (integers ≥ 0 whose non-zero sizes multiply to at most
 * `MAX_ELEMENTS`, so `[0, 1e300]` is refused like `[1e300]`) and returns a copy.
 */
export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape))
    throw new ValueError(op, `shape must be an array of integers, got ${String(shape)}`);
  let elements = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ValueError(op, `shape ${fmtShape(shape)} must hold non-negative integers`);
    }
    if (d > 0) elements *= d;
  }
  if (elements > MAX_ELEMENTS) {
    throw new ValueError(
      op,
      `shape ${fmtShape(shape)} asks for ${elements} elements (zero-sized axes aside); an array holds at most ${MAX_ELEMENTS}`,
    );
  }
  return [...shape];
}

/** Resolves a possibly negative axis against `rank`; throws IndexError when out of range. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const valid = rank === 0 ? 'none (the array is a scalar)' : `[${-rank}, ${rank - 1}]`;
    throw new IndexError(op, `axis ${axis} is out of range for rank ${rank}; valid axes: ${valid}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Resolves `axes` (a number, a list, or undefined meaning "all axes") to sorted, unique,
 * non-negative axes.
 */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new IndexError(op, `repeated axis in [${list.join(',')}]`);
  return out.sort((a, b) => a - b);
}

/** NumPy broadcasting: the shape two operands broadcast to, or a ShapeError naming both. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (axis ${i - rank}: ${da} vs ${db}; sizes must match or one must be 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that view an array of `shape`/`strides` as `target` (broadcast axes get stride 0). */
export function broadcastStrides(
  op: string,
  shape: Shape,
  strides: readonly number[],
  target: Shape,
): number[] {
  const lead = target.length - shape.length;
  if (lead < 0) {
    throw new ShapeError(
      op,
      `cannot broadcast shape ${fmtShape(shape)} to the lower-rank ${fmtShape(target)}`,
    );
  }
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    const t = target[lead + i]!;
    if (d === t) out[lead + i] = d === 1 ? 0 : strides[i]!;
    else if (d === 1) out[lead + i] = 0;
    else {
      throw new ShapeError(
        op,
        `cannot broadcast shape ${fmtShape(shape)} to ${fmtShape(target)} (axis ${i}: ${d} vs ${t}; only size-1 axes expand)`,
      );
    }
  }
  return out;
}

/** True when two shapes are equal. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
