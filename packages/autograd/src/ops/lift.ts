import { full } from '@mlblocks/core-tensor';
import { Tensor } from '../tensor.js';

/** A tensor, or a JS number used as a constant of the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Turns a number into a constant 0-d tensor on `like`'s backend, with its dtype. */
export function lift(value: TensorLike, like: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  return new Tensor(full([], value, { dtype: like.dtype, backend: like.array.backend.name }));
}
