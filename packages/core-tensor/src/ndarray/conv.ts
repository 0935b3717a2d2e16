import { type DType, floatResultType, promoteTypes } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { checkOptions, type OptionNames } from '../options.js';
import {
  type ConvGeometry,
  type Pair,
  pair,
  type WindowGeometry,
  type WindowOptions,
  windowGeometry,
} from '../shape/window.js';
import * as composed from './conv-composed.js';
import { cast, sameBackend } from './elementwise.js';
import { NDArray } from './ndarray.js';

/**
 * Convolution and max pooling on `[N, C, H, W]` arrays. The geometry and every check live here,
 * once; the work is the backend's `conv2d` / `conv2dInputGrad` / `conv2dWeightGrad` / `maxPool2d`
 * kernels where it has them, else the im2col composition of gather + matmul (`conv-composed.ts`),
 * which is also the readable reference of what those kernels compute.
 */

/** Options of a 2-D convolution: the window's stride, padding and dilation, and channel groups. */
export interface Conv2dOptions extends WindowOptions {
  /**
   * Split the channels into this many groups, each convolved with its own filters (default 1;
   * `groups = C` is a depthwise convolution). C and the output channels must both divide by it.
   */
  groups?: number;
}

/**
 * The float dtype the op computes in (bool/uint8 widen to float32, float32 with float64 to
 * float64, like matmul), after checking the operands share a backend.
 */
function computeType(op: string, ...arrays: NDArray[]): 'float32' | 'float64' {
  for (const a of arrays.slice(1)) sameBackend(op, arrays[0]!, a);
  const dtype = arrays
    .map((a): DType => floatResultType(op, a.dtype))
    .reduce((t, u) => promoteTypes(op, t, u));
  if (dtype === 'float16')
    throw new DTypeError(
      op,
      "the window ops take float32 or float64, not float16; cast with .cast('float32')",
    );
  return dtype as 'float32' | 'float64';
}

/** `a` as a contiguous array of `dtype` (a new handle on the same storage when it already is one). */
function compact(a: NDArray, dtype: 'float32' | 'float64'): NDArray {
  return cast(a, dtype).contiguous();
}

function checkRank4(op: string, name: string, a: NDArray, layout: string): [number, number, number, number] {
  if (a.rank !== 4) throw new ShapeError(op, `expects ${name} ${layout}, got ${fmtShape(a.shape)}`);
  return a.shape as [number, number, number, number];
}

/** The geometry of a convolution of an `[N, C, H, W]` input with a `[Co, C/groups, kh, kw]` weight. */
const WINDOW_OPTIONS: OptionNames<WindowOptions> = { stride: true, padding: true, dilation: true };
const CONV_OPTIONS: OptionNames<Conv2dOptions> = { ...WINDOW_OPTIONS, groups: true };

function convGeometry(
  op: string,
  input: readonly [number, number, number, number],
  weight: readonly number[],
  options: Conv2dOptions,
): ConvGeometry {
  checkOptions(op, options, CONV_OPTIONS);
  const [N, C, H, W] = input;
  const [Co, Cg, kh, kw] = weight as [number, number, number, number];
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || Co % groups !== 0) {
    throw new ValueError(
      op,
      `groups must be a positive integer dividing both the ${C} input and the ${Co} output channels, got ${groups}`,
    );
  }
  if (Cg !== C / groups) {
    throw new ShapeError(
      op,
      `the input has ${C} channels, so a weight needs ${C / groups} input channel${C / groups === 1 ? '' : 's'}${groups > 1 ? ` per group (${groups} groups)` : ''}: ${fmtShape([Co, C / groups, kh, kw])}, got ${fmtShape(weight)}`,
    );
  }
  const window = windowGeometry(op, [H, W], [kh, kw], options, 1);
  return { ...window, batch: N, inChannels: C, outChannels: Co, groups };
}

/**
 * 2-D convolution (cross-correlation, as every framework computes it) of `x` `[N, C, H, W]` with
 * `weight` `[Co, C/groups, kh, kw]`: `[N, Co, Ho, Wo]` with Ho = ⌊(H + 2P − D(kh − 1) − 1)/S⌋ + 1.
 *
 * @example
 * const y = conv2d(randn([1, 3, 32, 32]), randn([16, 3, 3, 3]), { padding: 1 }); // [1, 16, 32, 32]
 */
export function conv2d(x: NDArray, weight: NDArray, options: Conv2dOptions = {}): NDArray {
  checkRank4('conv2d', 'weight', weight, '[Co, C/groups, kh, kw]');
  const input = checkRank4('conv2d', 'input', x, '[N, C, H, W]');
  const g = convGeometry('conv2d', input, weight.shape, options);
  const dtype = computeType('conv2d', x, weight);
  const shape = [g.batch, g.outChannels, ...g.output];
  return tidy(() => {
    const [xs, ws] = [compact(x, dtype), compact(weight, dtype)];
    const kernel = x.backend.conv2d;
    if (!kernel) return composed.conv2d(xs, ws, g);
    return NDArray.fromStorage(kernel.call(x.backend, xs.view('conv2d'), ws.view('conv2d'), g), shape, dtype);
  });
}

/**
 * The gradient of {@link conv2d} with respect to its input: `dy` `[N, Co, Ho, Wo]` and `weight`
 * give `[N, C, H, W]` for an input of `inputSize` `[H, W]` (stride can map several sizes to one Ho).
 */
export function conv2dInputGrad(
  dy: NDArray,
  weight: NDArray,
  inputSize: readonly [number, number],
  options: Conv2dOptions = {},
): NDArray {
  const [N, Co, Ho, Wo] = checkRank4('conv2dInputGrad', 'gradient', dy, '[N, Co, Ho, Wo]');
  const w = checkRank4('conv2dInputGrad', 'weight', weight, '[Co, C/groups, kh, kw]');
  const g = convGeometry('conv2dInputGrad', [N, w[1] * (options.groups ?? 1), ...inputSize], w, options);
  checkOutput('conv2dInputGrad', g, [N, Co, Ho, Wo]);
  const dtype = computeType('conv2dInputGrad', dy, weight);
  const shape = [N, g.inChannels, ...g.input];
  return tidy(() => {
    const [dys, ws] = [compact(dy, dtype), compact(weight, dtype)];
    const kernel = dy.backend.conv2dInputGrad;
    if (!kernel) return composed.conv2dInputGrad(dys, ws, g);
    const storage = kernel.call(dy.backend, dys.view('conv2dInputGrad'), ws.view('conv2dInputGrad'), g);
    return NDArray.fromStorage(storage, shape, dtype);
  });
}

/**
 * The gradient of {@link conv2d} with respect to its weight: input `x` `[N, C, H, W]` and `dy`
 * `[N, Co, Ho, Wo]` give `[Co, C/groups, kh, kw]` for a kernel of `kernelSize`.
 */
export function conv2dWeightGrad(
  x: NDArray,
  dy: NDArray,
  kernelSize: Pair,
  options: Conv2dOptions = {},
): NDArray {
  const input = checkRank4('conv2dWeightGrad', 'input', x, '[N, C, H, W]');
  const out = checkRank4('conv2dWeightGrad', 'gradient', dy, '[N, Co, Ho, Wo]');
  const [kh, kw] = pair('conv2dWeightGrad', 'kernel size', kernelSize, 1);
  const groups = options.groups ?? 1;
  const g = convGeometry('conv2dWeightGrad', input, [out[1], input[1] / groups, kh, kw], options);
  checkOutput('conv2dWeightGrad', g, out);
  const dtype = computeType('conv2dWeightGrad', x, dy);
  const shape = [g.outChannels, g.inChannels / groups, kh, kw];
  return tidy(() => {
    const [xs, dys] = [compact(x, dtype), compact(dy, dtype)];
    const kernel = x.backend.conv2dWeightGrad;
    if (!kernel) return composed.conv2dWeightGrad(xs, dys, g);
    const storage = kernel.call(x.backend, xs.view('conv2dWeightGrad'), dys.view('conv2dWeightGrad'), g);
    return NDArray.fromStorage(storage, shape, dtype);
  });
}

function checkOutput(op: string, g: ConvGeometry, dy: readonly number[]): void {
  const want = [g.batch, g.outChannels, ...g.output];
  if (dy.some((d, i) => d !== want[i])) {
    throw new ShapeError(
      op,
      `the gradient must have the convolution's output shape ${fmtShape(want)} (input ${fmtShape([g.batch, g.inChannels, ...g.input])}), got ${fmtShape(dy)}`,
    );
  }
}

/**
 * Max pooling of `x` `[N, C, H, W]` over `kernel` windows (stride defaults to the kernel size;
 * padding, at most half the kernel, never wins): the maxima `[N, C, Ho, Wo]` and, for the
 * backward pass, `indices` (int32, same shape): where each maximum sits in its `H·W` plane
 * (the first of equal maxima; NaN counts as the maximum, as in PyTorch).
 */
export function maxPool2d(
  x: NDArray,
  kernel: Pair,
  options: WindowOptions = {},
): { values: NDArray; indices: NDArray } {
  const [N, C, H, W] = checkRank4('maxPool2d', 'input', x, '[N, C, H, W]');
  checkOptions('maxPool2d', options, WINDOW_OPTIONS);
  const g = windowGeometry('maxPool2d', [H, W], kernel, options, kernel);
  checkPoolPadding('maxPool2d', g);
  const dtype = computeType('maxPool2d', x);
  const shape = [N, C, ...g.output];
  return tidy(() => {
    const xs = compact(x, dtype);
    const pool = x.backend.maxPool2d;
    if (!pool) return composed.maxPool2d(xs, g);
    const [values, indices] = pool.call(x.backend, xs.view('maxPool2d'), g);
    return {
      values: NDArray.fromStorage(values, shape, dtype),
      indices: NDArray.fromStorage(indices, shape, 'int32'),
    };
  });
}

/**
 * The gradient of {@link maxPool2d}: each element of `dy` `[N, C, Ho, Wo]` added at its window's
 * maximum, given by the forward pass's `indices`, into a zero `[N, C, H, W]` for an input of
 * `inputSize` `[H, W]` (overlapping windows accumulate).
 */
export function maxPool2dGrad(
  dy: NDArray,
  indices: NDArray,
  inputSize: readonly [number, number],
  kernel: Pair,
  options: WindowOptions = {},
): NDArray {
  const [N, C, Ho, Wo] = checkRank4('maxPool2dGrad', 'gradient', dy, '[N, C, Ho, Wo]');
  checkOptions('maxPool2dGrad', options, WINDOW_OPTIONS);
  const g = windowGeometry('maxPool2dGrad', inputSize, kernel, options, kernel);
  if (
    g.output[0] !== Ho ||
    g.output[1] !== Wo ||
    indices.dtype !== 'int32' ||
    indices.shape.some((d, i) => d !== dy.shape[i])
  ) {
    throw new ShapeError(
      'maxPool2dGrad',
      `needs the gradient and int32 indices of the pooling's output shape ${fmtShape([N, C, ...g.output])}, got ${fmtShape(dy.shape)} and ${indices.dtype} ${fmtShape(indices.shape)}`,
    );
  }
  sameBackend('maxPool2dGrad', dy, indices);
  const dtype = computeType('maxPool2dGrad', dy);
  const shape = [N, C, ...g.input];
  return tidy(() => {
    const [dys, idx] = [compact(dy, dtype), indices.contiguous()];
    const kernelGrad = dy.backend.maxPool2dGrad;
    if (!kernelGrad) return composed.maxPool2dGrad(dys, idx, g);
    const storage = kernelGrad.call(dy.backend, dys.view('maxPool2dGrad'), idx.view('maxPool2dGrad'), g);
    return NDArray.fromStorage(storage, shape, dtype);
  });
}

/** Padding beyond half the kernel would leave windows of padding alone (PyTorch refuses it too). */
function checkPoolPadding(op: string, g: WindowGeometry): void {
  for (const axis of [0, 1] as const) {
    if (g.padding[axis] * 2 > g.kernel[axis]) {
      throw new ValueError(
        op,
        `padding must be at most half the kernel size, got padding ${g.padding} for kernel ${g.kernel}`,
      );
    }
  }
}
