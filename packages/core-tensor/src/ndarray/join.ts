import { promoteTypes } from '../dtype.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { contiguousStrides, normalizeAxis, sizeOf } from '../shape/shape.js';
import { cast, sameBackend } from './elementwise.js';
import { NDArray } from './ndarray.js';
import { slice, unsqueeze } from './views.js';

/**
 * Joins arrays along an existing axis. Each input is written into its slice of one new storage
 * with the backend's `assign` primitive (strides and all), so no intermediate copies are made.
 *
 * @example
 * concat([zeros([2, 3]), ones([1, 3])], 0).shape; // [3, 3]
 */
export function concat(arrays: readonly NDArray[], axis = 0): NDArray {
  if (arrays.length === 0) throw new ValueError('concat', 'needs at least one array');
  for (const x of arrays) x.checkLive('concat');
  const first = arrays[0]!;
  const a = normalizeAxis('concat', axis, first.rank);
  let dtype = first.dtype;
  for (const x of arrays) {
    sameBackend('concat', first, x);
    dtype = promoteTypes('concat', dtype, x.dtype);
    if (x.rank !== first.rank || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        `shapes ${arrays.map((y) => fmtShape(y.shape)).join(', ')} must match on every axis except ${a}`,
      );
    }
  }
  const shape = [...first.shape];
  shape[a] = arrays.reduce((n, x) => n + x.shape[a]!, 0);
  const storage = first.backend.alloc(dtype, sizeOf(shape));
  const strides = contiguousStrides(shape);
  let start = 0;
  for (const x of arrays) {
    const src = cast(x, dtype);
    first.backend.assign(
      { storage, shape: x.shape, strides, offset: start * strides[a]! },
      src.view('concat'),
    );
    src.dispose();
    start += x.shape[a]!;
  }
  return NDArray.fromStorage(storage, shape, dtype);
}

/** Joins same-shape arrays along a new axis. */
export function stack(arrays: readonly NDArray[], axis = 0): NDArray {
  if (arrays.length === 0) throw new ValueError('stack', 'needs at least one array');
  for (const x of arrays) x.checkLive('stack');
  const first = arrays[0]!;
  for (const x of arrays) {
    if (x.rank !== first.rank || x.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(
        'stack',
        `all arrays must have the same shape, got ${arrays.map((y) => fmtShape(y.shape)).join(', ')}`,
      );
    }
  }
  const a = normalizeAxis('stack', axis, first.rank + 1);
  return tidy(() => {
    const expanded = arrays.map((x) => unsqueeze(x, a));
    return concat(expanded, a);
  });
}

/** Splits into views along `axis`: `sections` equal parts, or parts of the listed sizes. */
export function split(x: NDArray, sizesOrSections: number | readonly number[], axis = 0): NDArray[] {
  x.checkLive('split');
  const a = normalizeAxis('split', axis, x.rank);
  const length = x.shape[a]!;
  let sizes: number[];
  if (typeof sizesOrSections === 'number') {
    if (!Number.isInteger(sizesOrSections) || sizesOrSections <= 0 || length % sizesOrSections !== 0) {
      throw new ShapeError(
        'split',
        `axis ${a} of size ${length} cannot be split into ${sizesOrSections} equal sections`,
      );
    }
    sizes = new Array<number>(sizesOrSections).fill(length / sizesOrSections);
  } else {
    sizes = [...sizesOrSections];
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, s) => p + s, 0) !== length) {
      throw new ShapeError(
        'split',
        `sizes [${sizes.join(',')}] must be non-negative and add up to ${length} (axis ${a} of ${fmtShape(x.shape)})`,
      );
    }
  }
  let start = 0;
  return sizes.map((size) => {
    const specs = x.shape.map((_, i) => (i === a ? ([start, start + size] as const) : null));
    start += size;
    return slice(x, specs);
  });
}
