import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, withOperand } from './lift.js';

// Forward and backward of each op side by side. Broadcasting is undone by the engine, so each
// backward returns gradients with the output's shape.

export function add(a: Tensor, b: TensorLike): Tensor {
  return withOperand(a, b, (bt) =>
    record('add', [a, bt], (x, y) => ({ out: x.add(y), backward: (g) => [g, g] })),
  );
}

export function sub(a: Tensor, b: TensorLike): Tensor {
  return withOperand(a, b, (bt) =>
    record('sub', [a, bt], (x, y) => ({
      out: x.sub(y),
      backward: (g, _, needed) => [g, needed[1] ? g.neg() : null],
    })),
  );
}

export function mul(a: Tensor, b: TensorLike): Tensor {
  return withOperand(a, b, (bt) =>
    record('mul', [a, bt], (x, y) => ({
      out: x.mul(y),
      saved: [x, y],
      backward: (g, [xs, ys], needed) => [needed[0] ? g.mul(ys!) : null, needed[1] ? g.mul(xs!) : null],
    })),
  );
}

/** a / b: d/da = 1/b, d/db = −a/b². */
export function div(a: Tensor, b: TensorLike): Tensor {
  return withOperand(a, b, (bt) =>
    record('div', [a, bt], (x, y) => {
      const out = x.div(y);
      return {
        out,
        saved: [y, out],
        backward: (g, [ys, q], needed) => {
          const ga = g.div(ys!);
          return [ga, needed[1] ? ga.mul(q!).neg() : null];
        },
      };
    }),
  );
}

/** a^b: d/da = b·a^(b−1), d/db = a^b·ln a (only defined for a > 0). */
export function pow(a: Tensor, b: TensorLike): Tensor {
  return withOperand(a, b, (bt) =>
    record('pow', [a, bt], (x, y) => {
      const out = x.pow(y);
      return {
        out,
        saved: [x, y, out],
        backward: (g, [xs, ys, p], needed) => [
          needed[0] ? g.mul(ys!).mul(xs!.pow(ys!.sub(1))) : null,
          needed[1] ? g.mul(p!).mul(xs!.log()) : null,
        ],
      };
    }),
  );
}

export function neg(a: Tensor): Tensor {
  return record('neg', [a], (x) => ({ out: x.neg(), backward: (g) => [g.neg()] }));
}
