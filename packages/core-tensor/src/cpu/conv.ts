import type { StridedView } from '../backend/backend.js';
import type { TypedArray } from '../dtype.js';
import { sizeOf } from '../shape/shape.js';
import type { ConvGeometry, WindowGeometry } from '../shape/window.js';
import { dataOf } from './cpu-storage.js';
import { gemm } from './matmul.js';

/**
 * The CPU reference convolution: im2col, one image and group at a time, into a float64 scratch
 * matrix, then the packed matrix product. The three products of a convolution layer, per image n
 * and group (K = C/groups · kh · kw rows of taps, Ho·Wo columns of output positions):
 *   forward        y[Co, HoWo]  = W[Co, K] · cols[K, HoWo]
 *   weight grad    dW[Co, K]   += dy[Co, HoWo] · cols[K, HoWo]ᵀ
 *   input grad     dcols[K, HoWo] = W[Co, K]ᵀ · dy[Co, HoWo], then col2im adds each back to its pixel
 * Views are contiguous (the NDArray layer compacts them); `out` is zero-filled on entry.
 */

let scratch = new Float64Array(0);

function columns(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(size);
  return scratch;
}

/** The pixel tap (i, j) of output position (y, x) reads, or −1 in the padding. */
function tapIndex(g: WindowGeometry, y: number, x: number, i: number, j: number): number {
  const row = y * g.stride[0] + i * g.dilation[0] - g.padding[0];
  const col = x * g.stride[1] + j * g.dilation[1] - g.padding[1];
  if (row < 0 || row >= g.input[0] || col < 0 || col >= g.input[1]) return -1;
  return row * g.input[1] + col;
}

/** cols[(c, i, j), (y, x)] = src[base + c·H·W + pixel] (0 in the padding), for `channels` channels. */
function im2col(
  src: TypedArray,
  base: number,
  channels: number,
  g: WindowGeometry,
  cols: Float64Array,
): void {
  const [kh, kw] = g.kernel;
  const [ho, wo] = g.output;
  const plane = g.input[0] * g.input[1];
  let r = 0;
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let y = 0; y < ho; y++)
          for (let x = 0; x < wo; x++) {
            const p = tapIndex(g, y, x, i, j);
            cols[r++] = p < 0 ? 0 : src[base + c * plane + p]!;
          }
}

/** The adjoint of im2col: dst[base + c·H·W + pixel] += cols[(c, i, j), (y, x)]. */
function col2imAdd(
  cols: Float64Array,
  dst: TypedArray,
  base: number,
  channels: number,
  g: WindowGeometry,
): void {
  const [kh, kw] = g.kernel;
  const [ho, wo] = g.output;
  const plane = g.input[0] * g.input[1];
  let r = 0;
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let y = 0; y < ho; y++)
          for (let x = 0; x < wo; x++) {
            const p = tapIndex(g, y, x, i, j);
            const v = cols[r++]!;
            if (p >= 0) dst[base + c * plane + p] = dst[base + c * plane + p]! + v;
          }
}

/** Sizes of one group's products. */
function groupSizes(g: ConvGeometry) {
  const cin = g.inChannels / g.groups;
  const cout = g.outChannels / g.groups;
  return {
    cin,
    cout,
    taps: cin * g.kernel[0] * g.kernel[1],
    positions: g.output[0] * g.output[1],
    plane: g.input[0] * g.input[1],
  };
}

export function conv2dInto(x: StridedView, w: StridedView, g: ConvGeometry, out: TypedArray): void {
  const { cin, cout, taps, positions, plane } = groupSizes(g);
  const cols = columns(taps * positions);
  const X = dataOf(x);
  const W = dataOf(w);
  for (let n = 0; n < g.batch; n++)
    for (let k = 0; k < g.groups; k++) {
      im2col(X, x.offset + (n * g.inChannels + k * cin) * plane, cin, g, cols);
      const wOff = w.offset + k * cout * taps;
      const yOff = (n * g.outChannels + k * cout) * positions;
      gemm(cout, positions, taps, W, wOff, taps, 1, cols, 0, positions, 1, out, yOff);
    }
}

export function conv2dWeightGradInto(
  x: StridedView,
  dy: StridedView,
  g: ConvGeometry,
  out: TypedArray,
): void {
  const { cin, cout, taps, positions, plane } = groupSizes(g);
  const cols = columns(taps * positions);
  const X = dataOf(x);
  const DY = dataOf(dy);
  for (let n = 0; n < g.batch; n++)
    for (let k = 0; k < g.groups; k++) {
      im2col(X, x.offset + (n * g.inChannels + k * cin) * plane, cin, g, cols);
      const dyOff = dy.offset + (n * g.outChannels + k * cout) * positions;
      // dW[cout, taps] += dy[cout, positions] · colsᵀ[positions, taps]
      gemm(cout, taps, positions, DY, dyOff, positions, 1, cols, 0, 1, positions, out, k * cout * taps);
    }
}

export function conv2dInputGradInto(dy: StridedView, w: StridedView, g: ConvGeometry, out: TypedArray): void {
  const { cin, cout, taps, positions, plane } = groupSizes(g);
  const cols = columns(taps * positions);
  const DY = dataOf(dy);
  const W = dataOf(w);
  for (let n = 0; n < g.batch; n++)
    for (let k = 0; k < g.groups; k++) {
      cols.fill(0, 0, taps * positions);
      const wOff = w.offset + k * cout * taps;
      const dyOff = dy.offset + (n * g.outChannels + k * cout) * positions;
      // dcols[taps, positions] = Wᵀ[taps, cout] · dy[cout, positions]
      gemm(taps, positions, cout, W, wOff, 1, taps, DY, dyOff, positions, 1, cols, 0);
      col2imAdd(cols, out, (n * g.inChannels + k * cin) * plane, cin, g);
    }
}

/**
 * Max pooling of `[P, H, W]` planes into values and the plane index of each window's first
 * maximum; NaN wins (the first one), as in PyTorch. Taps in the padding are skipped.
 */
export function maxPool2dInto(
  x: StridedView,
  g: WindowGeometry,
  values: TypedArray,
  indices: Int32Array,
): void {
  const X = dataOf(x);
  const [kh, kw] = g.kernel;
  const [ho, wo] = g.output;
  const plane = g.input[0] * g.input[1];
  const planes = values.length / (ho * wo);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = x.offset + p * plane;
    for (let y = 0; y < ho; y++)
      for (let xo = 0; xo < wo; xo++) {
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        for (let i = 0; i < kh && !Number.isNaN(best); i++)
          for (let j = 0; j < kw; j++) {
            const t = tapIndex(g, y, xo, i, j);
            if (t < 0) continue;
            const v = X[base + t]!;
            if (v > best || at < 0 || Number.isNaN(v)) {
              best = v;
              at = t;
              if (Number.isNaN(v)) break;
            }
          }
        values[o] = best;
        indices[o++] = at;
      }
  }
}

/** Max pooling's gradient: out (zero-filled `[P, H·W]`) [p, indices[p, q]] += dy[p, q]. */
export function maxPool2dGradInto(
  dy: StridedView,
  indices: StridedView,
  g: WindowGeometry,
  out: TypedArray,
): void {
  const DY = dataOf(dy);
  const I = dataOf(indices);
  const plane = g.input[0] * g.input[1];
  const positions = g.output[0] * g.output[1];
  const planes = positions === 0 ? 0 : sizeOf(dy.shape) / positions;
  for (let p = 0, q = 0; p < planes; p++)
    for (let end = q + positions; q < end; q++) {
      const at = p * plane + I[indices.offset + q]!;
      out[at] = out[at]! + DY[dy.offset + q]!;
    }
}
