import { full } from '@mlblocks/core-tensor';
import { Tensor } from '../tensor.js';

/** A tensor, or a JS number used as a constant of the other operand's dtype. */
export type TensorLike = Tensor | number;

/**
 * Runs a binary op with `b` as a tensor: a number becomes a constant 0-d tensor of `a`'s dtype
 * on its backend, freed right after (the graph keeps its own handle if backward needs it).
 */
export function withOperand(a: Tensor, b: TensorLike, op: (b: Tensor) => Tensor): Tensor {
  if (b instanceof Tensor) return op(b);
  const constant = new Tensor(full([], b, { dtype: a.dtype, backend: a.array.backend.name }));
  try {
    return op(constant);
  } finally {
    constant.dispose();
  }
}
