import { type Axes, type NDArray, where } from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';

// Reductions. Their backward spreads the output gradient back over the reduced axes:
// `spread` reinserts those axes (size 1) and broadcasts to the input's shape as a stride-0 view.

function reducedAxes(axis: Axes, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  return (typeof axis === 'number' ? [axis] : [...axis]).map((a) => (a < 0 ? a + rank : a));
}

function spread(g: NDArray, inputShape: readonly number[], axis: Axes, keepdims: boolean): NDArray {
  const axes = reducedAxes(axis, inputShape.length);
  const kept = keepdims ? g : g.reshape(inputShape.map((d, i) => (axes.includes(i) ? 1 : d)));
  return kept.expand(inputShape);
}

function countOf(shape: readonly number[], axis: Axes): number {
  return reducedAxes(axis, shape.length).reduce((n, a) => n * shape[a]!, 1);
}

export function sum(a: Tensor, axis?: Axes, keepdims = false): Tensor {
  return record('sum', [a], (x) => ({
    out: x.sum(axis, keepdims),
    backward: (g) => [spread(g, x.shape, axis, keepdims)],
  }));
}

export function mean(a: Tensor, axis?: Axes, keepdims = false): Tensor {
  return record('mean', [a], (x) => {
    const n = countOf(x.shape, axis);
    return { out: x.mean(axis, keepdims), backward: (g) => [spread(g.div(n), x.shape, axis, keepdims)] };
  });
}

/**
 * max / min over axes. The gradient goes to the positions holding the extreme value; when
 * several do (ties), it is split equally among them (PyTorch's `amax` rule).
 */
export function max(a: Tensor, axis?: Axes, keepdims = false): Tensor {
  return extreme('max', a, axis, keepdims);
}

export function min(a: Tensor, axis?: Axes, keepdims = false): Tensor {
  return extreme('min', a, axis, keepdims);
}

function extreme(op: 'max' | 'min', a: Tensor, axis: Axes, keepdims: boolean): Tensor {
  return record(op, [a], (x) => {
    const out = x[op](axis, keepdims);
    return {
      out,
      saved: [x, out],
      backward: (g, [xs, o]) => {
        const hits = xs!.eq(spread(o!, xs!.shape, axis, keepdims)).cast(g.dtype);
        const ties = hits.sum(axis, true);
        return [hits.div(ties).mul(spread(g, xs!.shape, axis, keepdims))];
      },
    };
  });
}

/** Variance with `correction` (0: divide by N, 1: by N − 1). d var / dx = 2(x − μ) / (N − correction). */
export function variance(a: Tensor, axis?: Axes, keepdims = false, correction = 0): Tensor {
  return record('var', [a], (x) => {
    const centered = x.sub(x.mean(axis, true));
    const n = countOf(x.shape, axis);
    return {
      out: x.var(axis, keepdims, correction),
      saved: [centered],
      backward: (g, [c]) => [
        c!.mul(2 / Math.max(0, n - correction)).mul(spread(g, c!.shape, axis, keepdims)),
      ],
    };
  });
}

/** d logsumexp / dx = softmax(x) over the reduced axes. */
export function logsumexp(a: Tensor, axis?: Axes, keepdims = false): Tensor {
  return record('logsumexp', [a], (x) => {
    const out = x.logsumexp(axis, keepdims);
    return {
      out,
      saved: [x, out],
      backward: (g, [xs, lse]) => {
        const p = xs!.sub(spread(lse!, xs!.shape, axis, keepdims)).exp();
        // an all −∞ slice has lse = −∞ and p = NaN; no gradient flows there
        return [where(p.ne(p), 0, p).mul(spread(g, xs!.shape, axis, keepdims))];
      },
    };
  });
}

/** dL/dx = y ⊙ (g − Σ g⊙y) along `axis`, with y = softmax(x). */
export function softmax(a: Tensor, axis = -1): Tensor {
  return record('softmax', [a], (x) => {
    const out = x.softmax(axis);
    return {
      out,
      saved: [out],
      backward: (g, [y]) => [y!.mul(g.sub(g.mul(y!).sum(axis, true)))],
    };
  });
}

/** dL/dx = g − softmax(x) ⊙ Σ g along `axis`. */
export function logSoftmax(a: Tensor, axis = -1): Tensor {
  return record('logSoftmax', [a], (x) => {
    const out = x.logSoftmax(axis);
    return {
      out,
      saved: [out],
      backward: (g, [logp]) => [g.sub(logp!.exp().mul(g.sum(axis, true)))],
    };
  });
}
