import type { Backend } from '../backend/backend.js';
import { keep } from '../memory/scope.js';
import type { ConvGeometry, WindowGeometry } from '../shape/window.js';
import { fromArray, full, zeros } from './create.js';
import { indexAdd, indexSelect } from './indexing.js';
import { matmul } from './linalg.js';
import type { NDArray } from './ndarray.js';

/**
 * Convolution and max pooling composed from primitives every backend has, by im2col: one gather
 * lays every receptive field of a padded image out as a column, so a convolution is one batched
 * matrix product and its input gradient a matrix product then a scatter-add (col2im). This is what
 * backends without window kernels run, and the readable reference of what those kernels compute.
 * Inputs are contiguous; the caller's `tidy` frees the temporaries.
 */

const indexCache = new WeakMap<Backend, Map<string, NDArray>>();

/**
 * For channel c, tap (i, j) and output position (y, x): the flat position, in a padded
 * `[channels, Hp, Wp]` image, of the pixel that tap reads — laid out `[channels·kh·kw, Ho·Wo]`.
 * Cached per backend and geometry (kept: the cache outlives every scope).
 */
function im2colIndex(channels: number, g: WindowGeometry, backend: Backend): NDArray {
  let cache = indexCache.get(backend);
  if (!cache) {
    cache = new Map();
    indexCache.set(backend, cache);
  }
  const key = `${channels}:${JSON.stringify(g)}`;
  const cached = cache.get(key);
  if (cached && !cached.isDisposed) return cached;
  const [kh, kw] = g.kernel;
  const [ho, wo] = g.output;
  const [hp, wp] = padded(g);
  const index = new Int32Array(channels * kh * kw * ho * wo);
  let n = 0;
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let y = 0; y < ho; y++)
          for (let x = 0; x < wo; x++) {
            const row = y * g.stride[0] + i * g.dilation[0];
            const col = x * g.stride[1] + j * g.dilation[1];
            index[n++] = (c * hp + row) * wp + col;
          }
  const array = keep(fromArray(index, { backend: backend.name }));
  cache.set(key, array);
  return array;
}

function padded(g: WindowGeometry): [number, number] {
  return [g.input[0] + 2 * g.padding[0], g.input[1] + 2 * g.padding[1]];
}

/** `[P, H, W]` planes inside a border of `value`: `[P, Hp, Wp]`. */
function pad(x: NDArray, planes: number, g: WindowGeometry, value: number): NDArray {
  const [H, W] = g.input;
  const [hp, wp] = padded(g);
  if (hp === H && wp === W) return x.reshape(planes, H, W);
  const out = full([planes, hp, wp], value, { dtype: x.dtype, backend: x.backend.name });
  out
    .slice(null, [g.padding[0], g.padding[0] + H], [g.padding[1], g.padding[1] + W])
    .assign(x.reshape(planes, H, W));
  return out;
}

/** The columns of every image: `[N, groups, K, Ho·Wo]` with K = C/groups·kh·kw. */
function columns(x: NDArray, g: ConvGeometry): NDArray {
  const { batch: N, inChannels: C, groups } = g;
  const [hp, wp] = padded(g);
  const index = im2colIndex(C, g, x.backend);
  const taps = (C / groups) * g.kernel[0] * g.kernel[1];
  return pad(x, N * C, g, 0)
    .reshape(N, C * hp * wp)
    .indexSelect(1, index)
    .reshape(N, groups, taps, g.output[0] * g.output[1]);
}

/** The weight as `[groups, Co/groups, K]`. */
function weightMatrix(w: NDArray, g: ConvGeometry): NDArray {
  return w.reshape(g.groups, g.outChannels / g.groups, -1);
}

export function conv2d(x: NDArray, w: NDArray, g: ConvGeometry): NDArray {
  const y = matmul(weightMatrix(w, g), columns(x, g)); // [N, groups, Co/groups, Ho·Wo]
  return y.reshape(g.batch, g.outChannels, ...g.output);
}

export function conv2dWeightGrad(x: NDArray, dy: NDArray, g: ConvGeometry): NDArray {
  const grads = dy.reshape(g.batch, g.groups, g.outChannels / g.groups, -1);
  const dw = matmul(grads, columns(x, g).transpose()).sum(0); // [groups, Co/groups, K]
  return dw.reshape(g.outChannels, g.inChannels / g.groups, ...g.kernel);
}

export function conv2dInputGrad(dy: NDArray, w: NDArray, g: ConvGeometry): NDArray {
  const { batch: N, inChannels: C } = g;
  const [hp, wp] = padded(g);
  const grads = dy.reshape(N, g.groups, g.outChannels / g.groups, -1);
  const dcols = matmul(weightMatrix(w, g).transpose(), grads).reshape(N, -1); // col2im's input
  const image = zeros([N, C * hp * wp], { dtype: dy.dtype, backend: dy.backend.name });
  const summed = indexAdd(image, 1, im2colIndex(C, g, dy.backend), dcols).reshape(N, C, hp, wp);
  const [H, W] = g.input;
  return summed
    .slice(null, null, [g.padding[0], g.padding[0] + H], [g.padding[1], g.padding[1] + W])
    .contiguous();
}

export function maxPool2d(x: NDArray, g: WindowGeometry): { values: NDArray; indices: NDArray } {
  const [N, C] = x.shape as [number, number];
  const planes = N * C;
  const taps = g.kernel[0] * g.kernel[1];
  const positions = g.output[0] * g.output[1];
  const windows = indexSelect(
    pad(x, planes, g, Number.NEGATIVE_INFINITY).reshape(planes, -1),
    1,
    im2colIndex(1, g, x.backend),
  ).reshape(planes, taps, positions);
  const tap = windows.argmax(1, true); // [planes, 1, positions]
  // where in the unpadded plane each (tap, position) reads
  const plane = im2colIndex(1, g, x.backend)
    .reshape(1, taps, positions)
    .expand(planes, taps, positions)
    .gather(1, tap);
  const shape = [N, C, ...g.output];
  return {
    values: windows.max(1).reshape(shape),
    indices: toUnpadded(plane, g).reshape(shape),
  };
}

/** Padded plane positions `r·Wp + c` → unpadded `(r − P)·W + (c − P)`. */
function toUnpadded(position: NDArray, g: WindowGeometry): NDArray {
  const wp = g.input[1] + 2 * g.padding[1];
  const row = position.cast('float32').div(wp).floor().cast('int32'); // exact: positions < 2^24
  const col = position.sub(row.mul(wp));
  return row.sub(g.padding[0]).mul(g.input[1]).add(col.sub(g.padding[1]));
}

export function maxPool2dGrad(dy: NDArray, indices: NDArray, g: WindowGeometry): NDArray {
  const [N, C] = dy.shape as [number, number];
  const planes = zeros([N * C, g.input[0] * g.input[1]], { dtype: dy.dtype, backend: dy.backend.name });
  return planes.scatterAdd(1, indices.reshape(N * C, -1), dy.reshape(N * C, -1)).reshape(N, C, ...g.input);
}
