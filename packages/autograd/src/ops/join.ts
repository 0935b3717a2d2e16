import { concat as concatArrays, ValueError } from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';
import { slice, unsqueeze } from './shape.js';

/** Joins tensors along `axis`; the gradient is split back into the pieces. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('concat', 'needs at least one tensor');
  return record('concat', tensors, (...arrays) => {
    const rank = arrays[0]!.rank;
    const ax = axis < 0 ? axis + rank : axis;
    return {
      out: concatArrays(arrays, axis),
      backward: (g) =>
        g.split(
          arrays.map((x) => x.shape[ax]!),
          ax,
        ),
    };
  });
}

/** Joins same-shape tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack', 'needs at least one tensor');
  const ax = axis < 0 ? axis + tensors[0]!.rank + 1 : axis;
  return concat(
    tensors.map((t) => unsqueeze(t, ax)),
    ax,
  );
}

/** Splits along `axis` into equal `sections` or parts of the listed sizes; each part is a slice. */
export function split(a: Tensor, sizesOrSections: number | readonly number[], axis = 0): Tensor[] {
  const ax = axis < 0 ? axis + a.rank : axis;
  // NDArray.split validates the sizes and tells us each part's extent
  const parts = a.array.split(sizesOrSections, ax);
  let start = 0;
  return parts.map((p) => {
    const size = p.shape[ax]!;
    p.dispose();
    const specs = a.shape.map((_, i) => (i === ax ? ([start, start + size] as const) : null));
    start += size;
    return slice(a, specs);
  });
}
