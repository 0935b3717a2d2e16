import type { DType } from '../dtype.js';
import { DTypeError, fmtShape, IndexError, ShapeError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { contiguousStrides, normalizeAxis, shapesEqual, sizeOf } from '../shape/shape.js';
import { arange, fromArray } from './create.js';
import { binary, cast, sameBackend } from './elementwise.js';
import { NDArray } from './ndarray.js';
import { contiguous, reshape, slice } from './views.js';

/**
 * Indexing by arrays of integers. `indexSelect` and its adjoint `indexAdd` are backend
 * primitives (gather / scatterAdd); PyTorch's element-wise `gather`/`scatterAdd` and `oneHot`
 * are composed from them here.
 */

/** `x.indexSelect(axis, indices)`: output shape `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`. */
export function indexSelect(x: NDArray, axis: number, indices: NDArray | readonly number[]): NDArray {
  x.checkLive('indexSelect');
  const a = normalizeAxis('indexSelect', axis, x.rank);
  return tidy(() => {
    const idx = toIndexArray('indexSelect', x, indices, x.shape[a]!, a);
    const shape = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
    return NDArray.fromStorage(
      x.backend.gather(x.view('indexSelect'), a, idx.view('indexSelect')),
      shape,
      x.dtype,
    );
  });
}

/** `x + zeros_like(x).indexAdd(...)`: adds each slice of `src` at `indices[j]` along `axis`. */
export function indexAdd(
  x: NDArray,
  axis: number,
  indices: NDArray | readonly number[],
  src: NDArray,
): NDArray {
  x.checkLive('indexAdd');
  src.checkLive('indexAdd');
  const a = normalizeAxis('indexAdd', axis, x.rank);
  return tidy(() => {
    const idx = toIndexArray('indexAdd', x, indices, x.shape[a]!, a);
    const expected = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
    if (!shapesEqual(src.shape, expected)) {
      throw new ShapeError(
        'indexAdd',
        `src has shape ${fmtShape(src.shape)} but indexing ${fmtShape(x.shape)} on axis ${a} with indices ${fmtShape(idx.shape)} needs ${fmtShape(expected)}`,
      );
    }
    sameBackend('indexAdd', x, src);
    const values = cast(src, x.dtype);
    const delta = NDArray.fromStorage(
      x.backend.scatterAdd(x.shape, a, idx.view('indexAdd'), values.view('indexAdd')),
      x.shape,
      x.dtype,
    );
    return binary('add', x, delta);
  });
}

/** PyTorch's `gather`: `out[i][j] = x[index[i][j]][j]` (axis 0); `index` has x's rank. */
export function gather(x: NDArray, axis: number, index: NDArray): NDArray {
  x.checkLive('gather');
  index.checkLive('gather');
  const a = normalizeAxis('gather', axis, x.rank);
  return tidy(() => {
    checkElementIndex('gather', x, a, index);
    const flat = flatIndex(x, a, index);
    return indexSelect(reshape(contiguous(x), [-1]), 0, flat);
  });
}

/** PyTorch's `scatter_add`: `x` plus each `src[i][j]` added at `[index[i][j]][j]` (axis 0). */
export function scatterAdd(x: NDArray, axis: number, index: NDArray, src: NDArray): NDArray {
  for (const array of [x, index, src]) array.checkLive('scatterAdd');
  const a = normalizeAxis('scatterAdd', axis, x.rank);
  return tidy(() => {
    checkElementIndex('scatterAdd', x, a, index);
    if (src.rank !== index.rank || index.shape.some((d, i) => d > src.shape[i]!)) {
      throw new ShapeError(
        'scatterAdd',
        `src ${fmtShape(src.shape)} must have index's rank and be at least index's shape ${fmtShape(index.shape)}`,
      );
    }
    const flat = flatIndex(x, a, index);
    const used = slice(
      src,
      index.shape.map((d) => [0, d] as const),
    );
    const values = cast(used, x.dtype);
    const delta = NDArray.fromStorage(
      x.backend.scatterAdd([x.size], 0, flat.view('scatterAdd'), values.view('scatterAdd')),
      [x.size],
      x.dtype,
    );
    return binary('add', x, reshape(delta, x.shape));
  });
}

/**
 * One-hot encoding: `oneHot([2, 0], 3)` is `[[0,0,1],[1,0,0]]`. Built as a comparison with
 * `arange(depth)`, so every backend gets it for free.
 */
export function oneHot(indices: NDArray, depth: number, dtype: DType = 'float32'): NDArray {
  indices.checkLive('oneHot');
  if (indices.dtype !== 'int32' && indices.dtype !== 'uint8') {
    throw new DTypeError('oneHot', `indices must be int32 or uint8, got ${indices.dtype}`);
  }
  if (!Number.isInteger(depth) || depth <= 0)
    throw new IndexError('oneHot', `depth must be a positive integer, got ${depth}`);
  return tidy(() => {
    const classes = arange(0, depth, 1, {
      dtype: indices.dtype === 'uint8' ? 'int32' : indices.dtype,
      backend: indices.backend.name,
    });
    const column = cast(reshape(indices, [...indices.shape, 1]), 'int32');
    return cast(binary('eq', column, classes), dtype);
  });
}

// Accepts int32/uint8 arrays or JS number lists; checks bounds where the backend can read synchronously.
// Call inside a tidy scope: the int32 array it returns (and any array built from a list) is a temporary.
function toIndexArray(
  op: string,
  x: NDArray,
  indices: NDArray | readonly number[],
  size: number,
  axis: number,
): NDArray {
  const idx =
    indices instanceof NDArray
      ? indices
      : fromArray([...indices], { dtype: 'int32', backend: x.backend.name });
  sameBackend(op, x, idx);
  idx.checkLive(op);
  if (idx.dtype !== 'int32' && idx.dtype !== 'uint8') {
    throw new DTypeError(op, `indices must be int32 (or uint8), got ${idx.dtype}`);
  }
  const asInt = cast(idx, 'int32');
  checkBounds(op, asInt, size, axis);
  return asInt;
}

function checkBounds(op: string, idx: NDArray, size: number, axis: number): void {
  if (!idx.backend.readSync) return; // GPU backends: checking would force a readback stall
  const values = idx.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= size) {
      throw new IndexError(
        op,
        `index ${v} (at flat position ${i}) is out of range for axis ${axis} of size ${size}; valid: 0..${size - 1}`,
      );
    }
  }
}

// Call inside a tidy scope (it makes an int32 temporary).
function checkElementIndex(op: string, x: NDArray, axis: number, index: NDArray): void {
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== axis && d > x.shape[i]!)) {
    throw new ShapeError(
      op,
      `index ${fmtShape(index.shape)} must have the rank of ${fmtShape(x.shape)} and fit inside it on every axis but ${axis}`,
    );
  }
  if (index.dtype !== 'int32' && index.dtype !== 'uint8')
    throw new DTypeError(op, `index must be int32, got ${index.dtype}`);
  checkBounds(op, cast(index, 'int32'), x.shape[axis]!, axis);
}

// Row-major position in x (as if contiguous) of every element index[i][j]…, replacing the
// coordinate on `axis` with the index value: Σ_d coord_d · stride_d. Call inside a tidy scope:
// the partial sums are left for it to free.
function flatIndex(x: NDArray, axis: number, index: NDArray): NDArray {
  const strides = contiguousStrides(x.shape);
  let flat = binary('mul', cast(index, 'int32'), strides[axis]!);
  index.shape.forEach((d, i) => {
    if (i === axis || d === 1 || sizeOf(index.shape) === 0) return;
    const coord = arange(0, d * strides[i]!, strides[i]!, { dtype: 'int32', backend: x.backend.name });
    const along = reshape(
      coord,
      index.shape.map((n, k) => (k === i ? n : 1)),
    );
    flat = binary('add', flat, along);
  });
  return flat;
}
