import type { SliceSpec } from '@mlblocks/core-tensor';
import { PartialGradient } from '../engine/partial-gradient.js';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';

// Views. Forward is O(1) on the arrays; backward maps the gradient back to the input's layout.

export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  return record('reshape', [a], (x) => ({ out: x.reshape(shape), backward: (g) => [g.reshape(x.shape)] }));
}

export function permute(a: Tensor, axes: readonly number[]): Tensor {
  return record('permute', [a], (x) => {
    const order = axes.map((ax) => (ax < 0 ? ax + x.rank : ax));
    const inverse = order.map((_, i) => order.indexOf(i));
    return { out: x.permute(...axes), backward: (g) => [g.permute(...inverse)] };
  });
}

export function transpose(a: Tensor, axis0 = -2, axis1 = -1): Tensor {
  if (a.rank < 2) return reshape(a, a.shape);
  const order = [...a.shape.keys()];
  const i = axis0 < 0 ? axis0 + a.rank : axis0;
  const j = axis1 < 0 ? axis1 + a.rank : axis1;
  [order[i], order[j]] = [order[j]!, order[i]!];
  return permute(a, order);
}

/**
 * Basic slicing. The gradient covers only the sliced window: the engine adds it into one
 * gradient buffer per input, so taking T slices of a sequence costs O(T), not O(T²).
 */
export function slice(a: Tensor, specs: readonly SliceSpec[]): Tensor {
  return record('slice', [a], (x) => ({
    out: x.slice(...specs),
    backward: (g) => [new PartialGradient((full) => full.slice(...specs), g)],
  }));
}

/** Broadcasts size-1 axes to `shape`; backward is the engine's un-broadcast sum. */
export function expand(a: Tensor, shape: readonly number[]): Tensor {
  return record('expand', [a], (x) => ({ out: x.expand(shape), backward: (g) => [g] }));
}

export function squeeze(a: Tensor, axis?: number | readonly number[]): Tensor {
  return record('squeeze', [a], (x) => ({ out: x.squeeze(axis), backward: (g) => [g.reshape(x.shape)] }));
}

export function unsqueeze(a: Tensor, axis: number): Tensor {
  return record('unsqueeze', [a], (x) => ({ out: x.unsqueeze(axis), backward: (g) => [g.reshape(x.shape)] }));
}

export function flatten(a: Tensor, startAxis = 0, endAxis = -1): Tensor {
  return record('flatten', [a], (x) => ({
    out: x.flatten(startAxis, endAxis),
    backward: (g) => [g.reshape(x.shape)],
  }));
}
