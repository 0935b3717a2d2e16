import type { NDArray } from '@mlblocks/core-tensor';

/**
 * Sums a gradient back to the shape of the operand it belongs to: over the leading axes
 * broadcasting added and over the axes where the operand had size 1. Done once here, in the
 * engine, so no op's backward has to think about broadcasting.
 */
export function unbroadcast(grad: NDArray, shape: readonly number[]): NDArray {
  if (grad.rank === shape.length && grad.shape.every((d, i) => d === shape[i])) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const summed = grad.sum(axes);
  const out = summed.reshape(shape);
  summed.dispose();
  return out;
}
