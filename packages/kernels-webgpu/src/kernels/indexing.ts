import type { StridedView } from '@mlblocks/core-tensor';
import { wgslType } from '../engine/dtypes.js';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from './elementwise.js';
import { bindings, main1d } from './wgsl.js';

// Both kernels see the contiguous x as [outer, D, inner] and the indices as a flat list of `count`.
// Meta: [total, count, inner, D, xOffset, indexOffset].

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
        `  let count = u32(params[1]);
  let inner = u32(params[2]);
  let e = i % inner;
  let j = (i / inner) % count;
  let r = i / (inner * count);
  let source = (r * u32(params[3]) + u32(idx[u32(params[5]) + j])) * inner + e;
  out[i] = x[u32(params[4]) + source];`,
      ),
    ].join('\n'),
  );
  engine.dispatch(
    kernel,
    Int32Array.from([total, count, inner, D, x.offset, idx.offset]),
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
    let old = atomicLoad(&out[dest]);
    let next = bitcast<u32>(bitcast<f32>(old) + v);
    if (atomicCompareExchangeWeak(&out[dest], old, next).exchanged) { break; }
  }`
      : `  atomicAdd(&out[dest], ${t === 'u32' ? 'i32(v)' : 'v'});`;
  const kernel = engine.kernel(`scatterAdd:${t}`, () =>
    [
      bindings([
        { name: 'src', type: t, access: 'read' },
        { name: 'idx', type: 'i32', access: 'read' },
        { name: 'out', type: t === 'f32' ? 'atomic<u32>' : 'atomic<i32>', access: 'read_write' },
      ]),
      main1d(
        'u32(params[0])',
        `  let count = u32(params[1]);
  let inner = u32(params[2]);
  let e = i % inner;
  let j = (i / inner) % count;
  let r = i / (inner * count);
  let dest = (r * u32(params[3]) + u32(idx[u32(params[5]) + j])) * inner + e;
  let v = src[u32(params[4]) + i];
${add}`,
      ),
    ].join('\n'),
  );
  engine.dispatch(
    kernel,
    Int32Array.from([total, count, inner, D, src.offset, idx.offset]),
    [bufferOf(src), bufferOf(idx), out],
    total,
  );
}
