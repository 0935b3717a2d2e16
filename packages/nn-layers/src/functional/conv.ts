import { concat, Tensor } from '@mlblocks/autograd';
import { full, ShapeError } from '@mlblocks/core-tensor';
import { geometry, im2colIndex, type Pair, type WindowOptions } from './conv-geometry.js';

/**
 * Pads the last two axes of `[..., H, W]` with `value` on each side (differentiable: the gradient
 * of the border is dropped).
 */
export function pad2d(x: Tensor, [ph, pw]: [number, number], value = 0): Tensor {
  if (ph === 0 && pw === 0) return x;
  const border = (shape: number[]) =>
    new Tensor(full(shape, value, { dtype: x.dtype, backend: x.array.backend.name }));
  const lead = x.shape.slice(0, -2);
  const [h, w] = x.shape.slice(-2) as [number, number];
  let y = x;
  if (ph > 0) y = concat([border([...lead, ph, w]), y, border([...lead, ph, w])], -2);
  if (pw > 0) y = concat([border([...lead, h + 2 * ph, pw]), y, border([...lead, h + 2 * ph, pw])], -1);
  return y;
}

/**
 * 2-D convolution (cross-correlation, as every framework computes it) of `x` `[N, C, H, W]` with
 * `weight` `[Co, C, kh, kw]`, via im2col: one gather lays every receptive field out as a column,
 * then a single matrix product `W[Co, C·kh·kw] · cols[N, C·kh·kw, Ho·Wo]` computes all outputs.
 * Built from differentiable ops (pad, indexSelect, matmul), so its backward — col2im as a
 * scatter-add, and two matrix products — comes from autograd on every backend.
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: WindowOptions = {},
): Tensor {
  if (x.rank !== 4 || weight.rank !== 4 || x.shape[1] !== weight.shape[1]) {
    throw new ShapeError(
      'conv2d',
      `expects input [N, C, H, W] and weight [Co, C, kh, kw] with matching C, got [${x.shape.join(',')}] and [${weight.shape.join(',')}]`,
    );
  }
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Co, , kh, kw] = weight.shape as [number, number, number, number];
  const g = geometry('conv2d', [H, W], [kh, kw], options, 1);
  const [ho, wo] = g.output;
  const padded = pad2d(x, g.padding);
  const hp = H + 2 * g.padding[0];
  const wp = W + 2 * g.padding[1];
  const index = im2colIndex(C, g, x.array.backend.name);
  const cols = padded
    .reshape(N, C * hp * wp)
    .indexSelect(1, index)
    .reshape(N, C * kh * kw, ho * wo);
  let out = weight.reshape(Co, C * kh * kw).matmul(cols); // [N, Co, Ho·Wo]
  if (bias) out = out.add(bias.reshape(Co, 1));
  return out.reshape(N, Co, ho, wo);
}

/** Gathers every pooling window of each channel: `[N·C, kh·kw, Ho·Wo]`, padding with `padValue`. */
function windows(op: string, x: Tensor, kernel: Pair, options: WindowOptions, padValue: number) {
  if (x.rank !== 4) throw new ShapeError(op, `expects input [N, C, H, W], got [${x.shape.join(',')}]`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const g = geometry(op, [H, W], kernel, options, kernel);
  const padded = pad2d(x.reshape(N * C, 1, H, W), g.padding, padValue);
  const hp = H + 2 * g.padding[0];
  const wp = W + 2 * g.padding[1];
  const index = im2colIndex(1, g, x.array.backend.name);
  const taps = g.kernel[0] * g.kernel[1];
  const cols = padded
    .reshape(N * C, hp * wp)
    .indexSelect(1, index)
    .reshape(N * C, taps, g.output[0] * g.output[1]);
  return { cols, shape: [N, C, g.output[0], g.output[1]] };
}

/** Max over each window (padding never wins: it is −∞). The gradient goes to the max (ties split). */
export function maxPool2d(x: Tensor, kernel: Pair, options: WindowOptions = {}): Tensor {
  const { cols, shape } = windows('maxPool2d', x, kernel, options, Number.NEGATIVE_INFINITY);
  return cols.max(1).reshape(shape);
}

/** Mean over each window; zero padding counts in the divisor (PyTorch's count_include_pad). */
export function avgPool2d(x: Tensor, kernel: Pair, options: WindowOptions = {}): Tensor {
  const { cols, shape } = windows('avgPool2d', x, kernel, options, 0);
  return cols.mean(1).reshape(shape);
}
