import type { ReduceOp } from '../backend/ops.js';
import { floatResultType } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { fusedKernel } from '../runtime/fusion.js';
import { normalizeAxes, normalizeAxis } from '../shape/shape.js';
import { full } from './create.js';
import { binary, cast, unary, where } from './elementwise.js';
import { type Axes, NDArray } from './ndarray.js';
import { permute, reshape } from './views.js';

/**
 * Reductions. The backend primitive reduces trailing axes, so we permute the requested axes to
 * the end (a free view) and let the backend read the strides. Everything beyond sum/prod/max/min
 * /argmax/argmin is composed here from primitives, once for all backends.
 */

// NOTE: reduce sits under every sum/max (and autograd's unbroadcasting), where tidy's two Sets per
// call would show on small arrays; it frees its one or two temporaries by hand.
export function reduce(op: ReduceOp, x: NDArray, axis: Axes, keepdims: boolean): NDArray {
  x.checkLive(op);
  const axes = normalizeAxes(op, axis, x.rank);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(
      op,
      `cannot reduce over an empty axis (shape ${fmtShape(x.shape)}); max/min have no identity`,
    );
  }
  // sums of bool/uint8 count past 255: accumulate them in int32, like NumPy
  const input =
    (op === 'sum' || op === 'prod') && (x.dtype === 'bool' || x.dtype === 'uint8') ? cast(x, 'int32') : x;
  if ((op === 'max' || op === 'min') && x.dtype === 'bool') {
    throw new DTypeError(op, 'does not take bool arrays; cast to int32 first (or use sum for a count)');
  }
  try {
    const kept = [...x.shape.keys()].filter((a) => !axes.includes(a));
    const moved = permute(input, [...kept, ...axes]);
    try {
      const storage = x.backend.reduce(op, moved.view(op), axes.length);
      const out = NDArray.fromStorage(
        storage,
        kept.map((a) => x.shape[a]!),
        input.dtype,
      );
      return keepdims ? keepDims(out, x.shape, axes) : out;
    } finally {
      moved.dispose();
    }
  } finally {
    if (input !== x) input.dispose();
  }
}

export function argReduce(
  op: 'argmax' | 'argmin',
  x: NDArray,
  axis: number | undefined,
  keepdims: boolean,
): NDArray {
  x.checkLive(op);
  if (x.dtype === 'bool') throw new DTypeError(op, 'does not take bool arrays; cast to int32 first');
  if (axis === undefined) {
    return tidy(() => {
      const out = argReduce(op, reshape(x, [-1]), 0, false);
      return keepdims ? keepDims(out, x.shape, [...x.shape.keys()]) : out;
    });
  }
  const a = normalizeAxis(op, axis, x.rank);
  if (x.shape[a] === 0)
    throw new ShapeError(op, `cannot take ${op} over the empty axis ${a} (shape ${fmtShape(x.shape)})`);
  const order = [...x.shape.keys()].filter((i) => i !== a);
  return tidy(() => {
    const moved = permute(x, [...order, a]);
    const out = NDArray.fromStorage(
      x.backend.reduce(op, moved.view(op), 1),
      order.map((i) => x.shape[i]!),
      'int32',
    );
    return keepdims ? keepDims(out, x.shape, [a]) : out;
  });
}

export function mean(x: NDArray, axis: Axes, keepdims: boolean): NDArray {
  x.checkLive('mean');
  return tidy(() => {
    const xf = cast(x, floatResultType('mean', x.dtype));
    const count = countOf(x, axis);
    return binary('div', reduce('sum', xf, axis, keepdims), count);
  });
}

export function variance(x: NDArray, axis: Axes, keepdims: boolean, correction: number): NDArray {
  x.checkLive('var');
  normalizeAxes('var', axis, x.rank);
  return tidy(() => {
    const xf = cast(x, floatResultType('var', x.dtype));
    const centered = binary('sub', xf, mean(xf, axis, true));
    const total = reduce('sum', unary('square', centered), axis, keepdims);
    return binary('div', total, Math.max(0, countOf(x, axis) - correction));
  });
}

export function std(x: NDArray, axis: Axes, keepdims: boolean, correction: number): NDArray {
  x.checkLive('std');
  normalizeAxes('std', axis, x.rank);
  return tidy(() => unary('sqrt', variance(x, axis, keepdims, correction)));
}

/** `m + log(Σ exp(x − m))` with `m` the max (treated as 0 where it is ±∞, so −∞ rows give −∞ rather than NaN). */
export function logsumexp(x: NDArray, axis: Axes, keepdims: boolean): NDArray {
  x.checkLive('logsumexp');
  const axes = normalizeAxes('logsumexp', axis, x.rank); // its axis errors are its own, not the inner max's
  if (axes.some((a) => x.shape[a] === 0)) {
    // log Σ over nothing is log 0 = −∞ (NumPy, PyTorch); the shift by the max has no max to take
    const shape = keepdims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : reduceShape(x.shape, axes);
    return full(shape, Number.NEGATIVE_INFINITY, {
      dtype: floatResultType('logsumexp', x.dtype),
      backend: x.backend.name,
    });
  }
  return tidy(() => {
    const { shift, logSum } = shiftedLogSum(cast(x, floatResultType('logsumexp', x.dtype)), axis);
    const out = binary('add', logSum, shift);
    return keepdims ? out : reshape(out, reduceShape(x.shape, normalizeAxes('logsumexp', axis, x.rank)));
  });
}

// The row max `shift` (0 where it is ±∞) and log Σ exp(x − shift), both with the reduced axes kept.
function shiftedLogSum(xf: NDArray, axis: Axes): { shift: NDArray; logSum: NDArray } {
  const m = reduce('max', xf, axis, true);
  const shift = where(binary('lt', unary('abs', m), Number.POSITIVE_INFINITY), m, 0);
  const logSum = unary('log', reduce('sum', unary('exp', binary('sub', xf, shift)), axis, true));
  return { shift, logSum };
}

function reduceShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

/** Softmax / log-softmax along `axis`: the backend's fused kernel on the last axis, else composed. */
export function softmax(x: NDArray, axis: number, log: boolean): NDArray {
  const op = log ? 'logSoftmax' : 'softmax';
  x.checkLive(op);
  const a = normalizeAxis(op, axis, x.rank);
  const fused = fusedKernel(x.backend, log ? 'logSoftmax' : 'softmax');
  return tidy(() => {
    const xf = cast(x, floatResultType(op, x.dtype));
    if (fused) {
      const order = [...x.shape.keys()].filter((i) => i !== a).concat(a);
      const moved = permute(xf, order);
      const out = NDArray.fromStorage(fused.call(x.backend, moved.view(op)), moved.shape, xf.dtype);
      return permute(
        out,
        order.map((_, i) => order.indexOf(i)),
      );
    }
    if (x.shape[a] === 0) return xf.ref(); // nothing to normalise
    // NOTE: (x − shift) − log Σ, not x − logsumexp: for |x| ≳ 1e14 shift + log Σ rounds to shift
    const { shift, logSum } = shiftedLogSum(xf, a);
    const logp = binary('sub', binary('sub', xf, shift), logSum);
    return log ? logp : unary('exp', logp);
  });
}

// Reinserts the reduced axes as size 1.
function keepDims(out: NDArray, shape: readonly number[], axes: readonly number[]): NDArray {
  const result = reshape(
    out,
    shape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
  out.dispose();
  return result;
}

function countOf(x: NDArray, axis: Axes): number {
  return normalizeAxes('mean', axis, x.rank).reduce((n, a) => n * x.shape[a]!, 1);
}
