import { type NDArray, where as whereArrays } from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import { Tensor } from '../tensor.js';
import { type TensorLike, withOperand } from './lift.js';

/**
 * Element-wise maximum. Where a = b the gradient is split equally between them (as PyTorch
 * does), so the two partial derivatives still add up to the derivative of the result.
 */
export function maximum(a: Tensor, b: TensorLike): Tensor {
  return withOperand(a, b, (bt) => extremum('maximum', a, bt));
}

/** Element-wise minimum; ties split the gradient equally, like `maximum`. */
export function minimum(a: Tensor, b: TensorLike): Tensor {
  return withOperand(a, b, (bt) => extremum('minimum', a, bt));
}

function extremum(name: 'maximum' | 'minimum', a: Tensor, b: Tensor): Tensor {
  return record(name, [a, b], (x, y) => ({
    out: x[name](y),
    saved: [x, y],
    backward: (g, [xs, ys]) => {
      const aWins = name === 'maximum' ? xs!.gt(ys!) : xs!.lt(ys!);
      const share = whereArrays(aWins, 1, whereArrays(xs!.eq(ys!), 0.5, 0)).cast(g.dtype);
      return [g.mul(share), g.mul(share.neg().add(1))];
    },
  }));
}

/** `cond ? a : b` element-wise; `cond` is a bool array (or a tensor holding one) and gets no gradient. */
export function where(cond: NDArray | Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = cond instanceof Tensor ? cond.array : cond;
  const ref = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  if (!ref) return new Tensor(whereArrays(c, a as number, b as number));
  return withOperand(ref, a, (at) =>
    withOperand(ref, b, (bt) =>
      record('where', [at, bt], (x, y) => ({
        out: whereArrays(c, x, y),
        saved: [c.ref()], // the mask comes from outside: the graph keeps its own handle
        backward: (g, [mask]) => [whereArrays(mask!, g, 0), whereArrays(mask!, 0, g)],
      })),
    ),
  );
}

/** Limits values to [min, max]; the gradient passes where the input is inside (bounds included). */
export function clip(a: Tensor, min?: number, max?: number): Tensor {
  return record('clip', [a], (x) => ({
    out: x.clip(min, max),
    saved: [x],
    backward: (g, [xs]) => {
      let inside = min === undefined ? xs!.le(Number.POSITIVE_INFINITY) : xs!.ge(min);
      if (max !== undefined) inside = inside.logicalAnd(xs!.le(max));
      return [whereArrays(inside, g, 0)];
    },
  }));
}
