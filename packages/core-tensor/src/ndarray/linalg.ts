import { floatResultType, promoteTypes } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { broadcastShapes } from '../shape/shape.js';
import { broadcastView, cast, sameBackend } from './elementwise.js';
import { NDArray } from './ndarray.js';
import { reshape, unsqueeze } from './views.js';

/**
 * Matrix product with NumPy's `matmul` rules: `[..., M, K] @ [..., K, N] → [..., M, N]`, batch
 * axes broadcast, a 1-D left operand is a row vector and a 1-D right operand a column vector
 * (the added axis is removed from the result). Computed in float32 (bool/uint8 are widened) or float64.
 *
 * @example
 * matmul(ones([2, 3]), ones([3, 4])).shape; // [2, 4]
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  a.checkLive('matmul');
  b.checkLive('matmul');
  sameBackend('matmul', a, b);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      'matmul',
      `operands must have at least 1 axis, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use mul for scalars`,
    );
  }
  const dtype = promoteTypes(
    'matmul',
    floatResultType('matmul', a.dtype),
    floatResultType('matmul', b.dtype),
  );
  return tidy(() => {
    const a2 = a.rank === 1 ? unsqueeze(a, 0) : a;
    const b2 = b.rank === 1 ? unsqueeze(b, 1) : b;
    const M = a2.shape[a2.rank - 2]!;
    const K = a2.shape[a2.rank - 1]!;
    const K2 = b2.shape[b2.rank - 2]!;
    const N = b2.shape[b2.rank - 1]!;
    if (K !== K2) {
      throw new ShapeError(
        'matmul',
        `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned (${K} ≠ ${K2})`,
      );
    }
    const batch = batchShape(a, b, a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const storage = a.backend.matmul(
      broadcastView('matmul', cast(a2, dtype), [...batch, M, K]),
      broadcastView('matmul', cast(b2, dtype), [...batch, K, N]),
    );
    const out = NDArray.fromStorage(storage, [...batch, M, N], dtype);
    if (a.rank > 1 && b.rank > 1) return out;
    return reshape(out, [...batch, ...(a.rank > 1 ? [M] : []), ...(b.rank > 1 ? [N] : [])]);
  });
}

// The broadcast batch axes, or a ShapeError that shows both operands whole (not just their batch axes).
function batchShape(a: NDArray, b: NDArray, batchA: readonly number[], batchB: readonly number[]): number[] {
  try {
    return broadcastShapes('matmul', batchA, batchB);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new ShapeError(
      'matmul',
      `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}: the batch axes ${fmtShape(batchA)} and ${fmtShape(batchB)} cannot be broadcast (sizes must match or one must be 1); the last two axes are the matrices, [..., M, K] @ [..., K, N]`,
    );
  }
}
