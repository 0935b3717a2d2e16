import type { StridedView } from '../backend/backend.js';
import type { FusedActivation } from '../backend/ops.js';
import type { TypedArray } from '../dtype.js';
import { dataOf } from './cpu-storage.js';
import { forEachRun } from './strided.js';

// The CPU's matmul epilogue and activation gradient: the same arithmetic as the unary table
// (relu lets NaN through, σ(x) = 1 / (1 + e^−x)), applied in place to the product's rows.

const ACTIVATE: Record<FusedActivation, (x: number) => number> = {
  none: (x) => x,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/** `out[i, j] = act(out[i, j] + bias[j])` over the rows of a contiguous `[rows, N]` product. */
export function biasActivationInPlace(
  out: TypedArray,
  N: number,
  bias: StridedView | null,
  activation: FusedActivation,
): void {
  const act = ACTIVATE[activation];
  const b = bias ? dataOf(bias) : null;
  const [bOff, bStride] = bias ? [bias.offset, bias.strides[0]!] : [0, 0];
  for (let row = 0; row < out.length; row += N) {
    for (let j = 0; j < N; j++) {
      // the product is rounded to its dtype first, as the composition's add would see it
      out[row + j] = act(out[row + j]! + (b ? b[bOff + j * bStride]! : 0));
    }
  }
}

const DERIVATIVE: Record<FusedActivation, (y: number) => number> = {
  none: () => 1,
  relu: (y) => (y > 0 ? 1 : 0),
  tanh: (y) => 1 - y * y,
  sigmoid: (y) => y * (1 - y),
};

/** `out = dy·act′(y)` for strided `y` and `dy` of one shape, into the contiguous `out`. */
export function activationGradInto(
  activation: FusedActivation,
  y: StridedView,
  dy: StridedView,
  out: TypedArray,
): void {
  const [yd, gd] = [dataOf(y), dataOf(dy)];
  const dAct = DERIVATIVE[activation];
  let k = 0;
  forEachRun(y.shape, [y.strides, dy.strides], [y.offset, dy.offset], (offsets, n, inner) => {
    const [sy, sg] = inner as [number, number];
    for (let i = 0, iy = offsets[0]!, ig = offsets[1]!; i < n; i++, iy += sy, ig += sg) {
      // relu's gradient is dy·0 = 0 where y ≤ 0 — unless dy is ±∞/NaN: where() gives exactly 0
      out[k++] = activation === 'relu' ? (yd[iy]! > 0 ? gd[ig]! : 0) : gd[ig]! * dAct(yd[iy]!);
    }
  });
}
