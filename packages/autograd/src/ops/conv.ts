import {
  type Conv2dOptions,
  conv2dInputGrad,
  conv2dWeightGrad,
  full,
  conv2d as ndConv2d,
  maxPool2d as ndMaxPool2d,
  maxPool2dGrad as ndMaxPool2dGrad,
  type Pair,
  pair,
  ShapeError,
  type WindowOptions,
} from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';
import { add } from './arithmetic.js';
import { reshape } from './shape.js';

/**
 * 2-D convolution of `x` `[N, C, H, W]` with `weight` `[Co, C/groups, kh, kw]`, plus a bias `[Co]`
 * per output channel. Its backward is two more convolutions: the input's gradient correlates `dy`
 * with the flipped filters (`conv2dInputGrad`), the weight's correlates the input with `dy`
 * (`conv2dWeightGrad`) — the backend's own kernels where it has them.
 *
 * @example
 * const y = conv2d(x, w, b, { stride: 2, padding: 1 });
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: Conv2dOptions = {},
): Tensor {
  const y = record('conv2d', [x, weight], (xa, wa) => ({
    out: ndConv2d(xa, wa, options),
    saved: [xa, wa],
    backward: (g, [xs, ws], needed) => [
      needed[0] ? conv2dInputGrad(g, ws!, [xs!.shape[2]!, xs!.shape[3]!], options) : null,
      needed[1] ? conv2dWeightGrad(xs!, g, [ws!.shape[2]!, ws!.shape[3]!], options) : null,
    ],
  }));
  return bias ? add(y, reshape(bias, [1, bias.shape[0]!, 1, 1])) : y;
}

/**
 * Max pooling of `[N, C, H, W]` over `kernel` windows (stride defaults to the kernel size). The
 * gradient goes to each window's maximum (the first of equal ones), through the indices the
 * forward pass keeps.
 */
export function maxPool2d(x: Tensor, kernel: Pair, options: WindowOptions = {}): Tensor {
  return record('maxPool2d', [x], (xa) => {
    const { values, indices } = ndMaxPool2d(xa, kernel, options);
    const [H, W] = [xa.shape[2]!, xa.shape[3]!];
    return {
      out: values,
      saved: [indices],
      backward: (g, [idx]) => [ndMaxPool2dGrad(g, idx!, [H, W], kernel, options)],
    };
  });
}

/**
 * Average pooling of `[N, C, H, W]` over `kernel` windows (stride defaults to the kernel size);
 * zero padding counts in the divisor (PyTorch's `count_include_pad`). Each plane is convolved with
 * a constant `1/(kh·kw)` filter, so it runs on the backend's convolution kernels, and so does its
 * backward.
 */
export function avgPool2d(x: Tensor, kernel: Pair, options: WindowOptions = {}): Tensor {
  const [kh, kw] = pair('avgPool2d', 'kernel size', kernel, 1);
  const o = { stride: options.stride ?? [kh, kw], padding: options.padding, dilation: options.dilation };
  return record('avgPool2d', [x], (xa) => {
    if (xa.rank !== 4)
      throw new ShapeError('avgPool2d', `expects input [N, C, H, W], got [${xa.shape.join(',')}]`);
    const [N, C, H, W] = xa.shape as [number, number, number, number];
    const filter = full([1, 1, kh, kw], 1 / (kh * kw), { dtype: xa.dtype, backend: xa.backend.name });
    const y = ndConv2d(xa.reshape(N * C, 1, H, W), filter, o);
    const [ho, wo] = [y.shape[2]!, y.shape[3]!];
    return {
      out: y.reshape(N, C, ho, wo),
      saved: [filter],
      backward: (g, [f]) => [conv2dInputGrad(g.reshape(N * C, 1, ho, wo), f!, [H, W], o).reshape(N, C, H, W)],
    };
  });
}
