import type { StridedView } from '../backend/backend.js';
import type { FusedActivation } from '../backend/ops.js';
import type { TypedArray } from '../dtype.js';
import { dataOf } from './cpu-storage.js';
import { UNARY_KERNELS } from './elementwise.gen.js';
import { forEachRun } from './strided.js';

// The CPU's matmul epilogue and activation gradient. The epilogue adds the bias to the product's
// rows in place, then runs the unary table's own activation kernel over them — the composition's
// arithmetic (add rounded to the dtype, then the activation), one pass fewer.

/** `out[i, j] = act(out[i, j] + bias[j])` over the rows of a contiguous `[rows, N]` product. */
export function biasActivationInPlace(
  out: TypedArray,
  N: number,
  bias: StridedView | null,
  activation: FusedActivation,
): void {
  if (bias) {
    const b = dataOf(bias);
    const [bOff, bStride] = [bias.offset, bias.strides[0]!];
    for (let row = 0; row < out.length; row += N)
      for (let j = 0; j < N; j++) out[row + j] = out[row + j]! + b[bOff + j * bStride]!;
  }
  if (activation !== 'none') UNARY_KERNELS[activation](out, 0, 1, out, 0, out.length);
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
