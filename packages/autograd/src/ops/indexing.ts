import { fromArray, type NDArray, zeros } from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';

function indexArray(indices: NDArray | readonly number[], like: NDArray): NDArray {
  return Array.isArray(indices)
    ? fromArray([...indices], { dtype: 'int32', backend: like.backend.name })
    : (indices as NDArray);
}

/**
 * Picks entries along `axis` (an embedding lookup when axis = 0). Backward adds each output
 * gradient slice into a zero array at its index — a scatter-add, so repeated ids accumulate.
 */
export function indexSelect(a: Tensor, axis: number, indices: NDArray | readonly number[]): Tensor {
  return record('indexSelect', [a], (x) => {
    const idx = indexArray(indices, x);
    return {
      out: x.indexSelect(axis, idx),
      saved: [idx === indices ? idx.ref() : idx], // indices from outside: keep our own handle
      backward: (g, [ids]) => [
        zeros(x.shape, { dtype: g.dtype, backend: g.backend.name }).indexAdd(axis, ids!, g),
      ],
    };
  });
}

/** PyTorch's `gather` (e.g. the log-probability of each row's label); backward is `scatterAdd`. */
export function gather(a: Tensor, axis: number, index: NDArray): Tensor {
  return record('gather', [a], (x) => ({
    out: x.gather(axis, index),
    saved: [index.ref()],
    backward: (g, [idx]) => [
      zeros(x.shape, { dtype: g.dtype, backend: g.backend.name }).scatterAdd(axis, idx!, g),
    ],
  }));
}
