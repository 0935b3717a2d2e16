import { ShapeError } from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './shape.js';

/**
 * Matrix product with NumPy rules (batched, broadcast batch axes, 1-D operands promoted).
 * For C = A·B: dA = dC·Bᵀ and dB = Aᵀ·dC; the engine sums broadcast batch axes back.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      'matmul',
      `operands must have at least 1 axis, got shapes [${a.shape}] and [${b.shape}]`,
    );
  }
  // 1-D operands: make them matrices, multiply, then drop the added axis (through differentiable reshapes)
  if (a.rank === 1 || b.rank === 1) {
    const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]!]) : a;
    const b2 = b.rank === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
    const c = matmul(a2, b2);
    const shape = c.shape.slice(0, -2);
    if (a.rank > 1) shape.push(c.shape[c.rank - 2]!);
    if (b.rank > 1) shape.push(c.shape[c.rank - 1]!);
    return reshape(c, shape);
  }
  return record('matmul', [a, b], (x, y) => ({
    out: x.matmul(y),
    saved: [x, y],
    backward: (g, [xs, ys], needed) => [
      needed[0] ? g.matmul(ys!.transpose()) : null,
      needed[1] ? xs!.transpose().matmul(g) : null,
    ],
  }));
}
