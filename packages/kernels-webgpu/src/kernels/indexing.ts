import type { StridedView } from '@mlblocks/core-tensor';
import { wgslType } from '../engine/dtypes.js';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { bindings, main1d } from './wgsl.js';

// Both kernels see the contiguous x as [outer, D, inner] and the indices as a flat list of `count`.
// Meta: [total, count, inner, D, xOffset, indexOffset].

/**
 * WGSL: splits the gathered-side flat index `i` into (r, j, e) and defines `indexed`, the flat
 * position in the [outer, D, inner] side that index j selects.
 */
const INDEXED_POSITION = `  let count = u32(params[1]);
  let inner = u32(params[2]);
  let e = i % inner;
  let j = (i / inner) % count;
  let r = i / (inner * count);
  let indexed = (r * u32(params[3]) + u32(idx[u32(params[5]) + j])) * inner + e;`;

function indexMeta(
  total: number,
  count: number,
  inner: number,
  D: number,
  data: StridedView,
  idx: StridedView,
): Int32Array {
  return Int32Array.from([total, count, inner, D, data.offset, idx.offset]);
}

/** `out[r, j, t] = x[r, idx[j], t]`. */
export function gather(
  engine: Engine,
  x: StridedView,
  outer: number,
  D: number,
  inner: number,
  idx: StridedView,
  count: number,
  out: GPUBuffer,
): void {
  const total = outer * count * inner;
  if (total === 0) return;
  const t = wgslType('gather', x.storage.dtype);
  const kernel = engine.kernel(`gather:${t}`, () =>
    [
      bindings([
        { name: 'x', type: t, access: 'read' },
        { name: 'idx', type: 'i32', access: 'read' },
        { name: 'out', type: t, access: 'read_write' },
      ]),
      main1d(
        'u32(params[0])',
        `${INDEXED_POSITION}
  out[i] = x[u32(params[4]) + indexed];`,
      ),
    ].join('\n'),
  );
  engine.dispatch(
    kernel,
    indexMeta(total, count, inner, D, x, idx),
    [bufferOf(x), bufferOf(idx), out],
    total,
  );
}

/**
 * `out[r, idx[j], t] += src[r, j, t]` into a zeroed `out`. Repeated indices collide, so the adds
 * are atomic: int32 natively, float32 through a compare-and-swap loop on the value's bits.
 */
export function scatterAdd(
  engine: Engine,
  src: StridedView,
  outer: number,
  D: number,
  inner: number,
  idx: StridedView,
  count: number,
  out: GPUBuffer,
): void {
  const total = outer * count * inner;
  if (total === 0) return;
  const t = wgslType('scatterAdd', src.storage.dtype);
  const add =
    t === 'f32'
      ? `  loop {
    let old = atomicLoad(&out[indexed]);
    let next = bitcast<u32>(bitcast<f32>(old) + v);
    if (atomicCompareExchangeWeak(&out[indexed], old, next).exchanged) { break; }
  }`
      : `  atomicAdd(&out[indexed], ${t === 'u32' ? 'i32(v)' : 'v'});`;
  const kernel = engine.kernel(`scatterAdd:${t}`, () =>
    [
      bindings([
        { name: 'src', type: t, access: 'read' },
        { name: 'idx', type: 'i32', access: 'read' },
        { name: 'out', type: t === 'f32' ? 'atomic<u32>' : 'atomic<i32>', access: 'read_write' },
      ]),
      main1d(
        'u32(params[0])',
        `${INDEXED_POSITION}
  let v = src[u32(params[4]) + i];
${add}`,
      ),
    ].join('\n'),
  );
  engine.dispatch(
    kernel,
    indexMeta(total, count, inner, D, src, idx),
    [bufferOf(src), bufferOf(idx), out],
    total,
  );
}
