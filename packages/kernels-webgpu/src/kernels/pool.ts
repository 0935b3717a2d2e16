import type { StridedView, WindowGeometry } from '@mlblocks/core-tensor';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { EXTRA, flatMain, windowMeta } from './conv-meta.js';
import { bindings } from './wgsl.js';

/**
 * Max pooling of `[P, H, W]` planes: one invocation per output, which walks its window (taps in
 * the padding skipped) and writes the maximum and where it sits in its plane (`h·W + w`) — the
 * first of equal maxima, and the first NaN, which wins like in PyTorch and the CPU reference.
 * NaN is recognised by its bits: WGSL lets compilers fold `v != v` to false (lavapipe does).
 * Meta: {@link windowMeta} with N = planes, then the input offset.
 */
const SOURCE = `${bindings([
  { name: 'x', type: 'f32', access: 'read' },
  { name: 'values', type: 'f32', access: 'read_write' },
  { name: 'indices', type: 'i32', access: 'read_write' },
])}

fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }

${flatMain(`  let Q = outH * outW;
  if (t >= N * Q) { return; }
  let ox = t % outW;
  let oy = (t / outW) % outH;
  let base = params[${EXTRA}] + (t / Q) * inH * inW;
  // −∞ while no tap is in range (the NDArray layer rules that out), made at run time: WGSL
  // constant expressions cannot be infinite
  var best = bitcast<f32>(0xff800000u + u32(min(N, 0)));
  var at = -1;
  var found = false;
  for (var i = 0; i < KH && !found; i = i + 1) {
    let y = oy * SH - PH + i * DH;
    if (y < 0 || y >= inH) { continue; }
    for (var j = 0; j < KW; j = j + 1) {
      let xx = ox * SW - PW + j * DW;
      if (xx < 0 || xx >= inW) { continue; }
      let v = x[base + y * inW + xx];
      let nan = isNan(v);
      if (at < 0 || v > best || nan) {
        best = v;
        at = y * inW + xx;
        if (nan) { found = true; break; }
      }
    }
  }
  values[t] = best;
  indices[t] = at;`)}`;

/** Max pooling of `x` (`planes` planes) into `values` (float32) and `indices` (int32). */
export function maxPool2d(
  engine: Engine,
  x: StridedView,
  planes: number,
  g: WindowGeometry,
  values: GPUBuffer,
  indices: GPUBuffer,
): void {
  const threads = planes * g.output[0] * g.output[1];
  if (threads === 0) return;
  const kernel = engine.kernel('maxPool2d', () => SOURCE);
  engine.dispatch(
    kernel,
    windowMeta(g, { batch: planes }, [x.offset]),
    [bufferOf(x), values, indices],
    threads,
  );
}

/**
 * Max pooling's gradient: each invocation owns one `[H, W]` plane of the output, zeroes it and
 * adds that plane's `dy` values at the positions `indices` names, in order. No atomics, and the
 * same order of additions as the CPU reference (equal results); parallel over planes (batch ×
 * channels), which every CNN layer has plenty of. Meta: {@link windowMeta} with N = planes,
 * then the offsets of `dy` and `indices`.
 */
const GRAD_SOURCE = `${bindings([
  { name: 'dy', type: 'f32', access: 'read' },
  { name: 'idx', type: 'i32', access: 'read' },
  { name: 'dx', type: 'f32', access: 'read_write' },
])}

${flatMain(`  if (t >= N) { return; }
  let plane = inH * inW;
  let Q = outH * outW;
  let base = t * plane;
  for (var k = 0; k < plane; k = k + 1) { dx[base + k] = 0.0; }
  let first = t * Q;
  for (var q = 0; q < Q; q = q + 1) {
    let at = base + idx[params[${EXTRA + 1}] + first + q];
    dx[at] = dx[at] + dy[params[${EXTRA}] + first + q];
  }`)}`;

/** The gradient of {@link maxPool2d}: `dy` (`planes` planes of outputs) into `out` `[planes, H, W]`. */
export function maxPool2dGrad(
  engine: Engine,
  dy: StridedView,
  indices: StridedView,
  planes: number,
  g: WindowGeometry,
  out: GPUBuffer,
): void {
  if (planes === 0 || g.input[0] * g.input[1] === 0) return;
  const kernel = engine.kernel('maxPool2dGrad', () => GRAD_SOURCE);
  engine.dispatch(
    kernel,
    windowMeta(g, { batch: planes }, [dy.offset, indices.offset]),
    [bufferOf(dy), bufferOf(indices), out],
    planes,
  );
}
