import { contiguousStrides, sizeOf } from '@mlblocks/core-tensor';

/**
 * How a view lies in its storage. Primitives receive views with any strides and offset, so every
 * case runs each input through several of these:
 * - `contiguous`: row-major from element 0;
 * - `offset`: row-major, starting 3 elements into the storage;
 * - `transposed`: the axes stored in reverse order (a transpose's view);
 * - `lastOuter`: the last axis outermost in memory (reductions over it read across rows);
 * - `middle`: the last axis stored between the first and the others (a reduction over middle axes);
 * - `stepped`: every other element of every axis (a slice with step 2), from element 1;
 * - `reversed`: the last axis runs backwards (a negative stride);
 * - `broadcast`: the first axis longer than 1 has stride 0 (one row read again; inputs only).
 */
export type Layout =
  | 'contiguous'
  | 'offset'
  | 'transposed'
  | 'lastOuter'
  | 'middle'
  | 'stepped'
  | 'reversed'
  | 'broadcast';

/** Every layout a view of `shape` can take (some need two or three axes of more than one element). */
export function layoutsFor(shape: readonly number[], { writable = false } = {}): Layout[] {
  const long = shape.filter((d) => d > 1).length;
  const out: Layout[] = ['contiguous', 'offset', 'stepped', 'reversed'];
  if (shape.length >= 2 && long >= 2) out.push('transposed', 'lastOuter');
  if (shape.length >= 3 && long >= 2) out.push('middle');
  if (!writable && long >= 1) out.push('broadcast');
  return out;
}

/** A view's placement: its strides and offset, and how many elements its storage needs. */
export interface Placement {
  strides: number[];
  offset: number;
  storageSize: number;
}

/** Where a view of `shape` in `layout` reads its elements. */
export function place(shape: readonly number[], layout: Layout): Placement {
  const rank = shape.length;
  const axes = [...shape.keys()];
  // physical order: the logical axes from outermost to innermost in memory
  const order =
    layout === 'transposed'
      ? [...axes].reverse()
      : layout === 'lastOuter' && rank >= 2
        ? [rank - 1, ...axes.slice(0, rank - 1)]
        : layout === 'middle' && rank >= 3
          ? [0, rank - 1, ...axes.slice(1, rank - 1)]
          : axes;
  const step = layout === 'stepped' ? 2 : 1;
  const broadcastAxis = layout === 'broadcast' ? shape.findIndex((d) => d > 1) : -1;
  const physical = order.map((a) => (a === broadcastAxis ? 1 : shape[a]! * step));
  const physicalStrides = contiguousStrides(physical);
  const strides = new Array<number>(rank).fill(0);
  order.forEach((a, i) => {
    strides[a] = a === broadcastAxis ? 0 : physicalStrides[i]! * step;
  });
  const start = layout === 'offset' ? 3 : layout === 'stepped' ? 1 : 0;
  let offset = start;
  if (layout === 'reversed' && rank > 0 && shape[rank - 1]! > 0) {
    offset += (shape[rank - 1]! - 1) * strides[rank - 1]!;
    strides[rank - 1] = -strides[rank - 1]!;
  }
  return { strides, offset, storageSize: Math.max(1, start + sizeOf(physical)) };
}

/** The strides of a view of `from` broadcast to `to` (NumPy rules; the shapes are compatible). */
export function broadcastStridesTo(
  from: readonly number[],
  strides: readonly number[],
  to: readonly number[],
): number[] {
  const lead = to.length - from.length;
  return to.map((_, i) => {
    const a = i - lead;
    if (a < 0 || from[a] === 1) return 0;
    return strides[a]!;
  });
}
