import type { ConvGeometry, StridedView } from '@mlblocks/core-tensor';
import type { Engine } from '../engine/engine.js';
import type { ConvBlock } from '../engine/tuning.js';
import { bufferOf } from '../storage.js';
import { EXTRA, lanes, splitGrid, splitMain, windowMeta } from './conv-meta.js';
import { bindings } from './wgsl.js';

/**
 * Convolution as three register-blocked direct kernels — no im2col buffer: each invocation keeps
 * a block of outputs in registers and reads its operands straight from the NCHW arrays, the
 * window's taps in the outer loops (their bounds checks hoisted there) and the channels in the
 * innermost one, where only loads and multiply-adds remain. No workgroup memory and no barriers:
 * what runs best on CPU-backed adapters (lavapipe, SwiftShader), where barriers are expensive.
 * The three are the products of im2col's matrix view (K = C/groups·kh·kw taps, P = Ho·Wo):
 *   forward        y[Co, P]  = W[Co, K] · cols[K, P]          (block: channels × positions)
 *   input grad     dx[C, HW] = Σ W[co, c, i, j] · dy[co, tap]  (block: channels × pixels)
 *   weight grad    dW[Co, K] = dy[Co, N·P] · cols[K, N·P]ᵀ     (block: channels × taps)
 * A workgroup is one image, group and block of channels (its y and z: uniform) over a row of
 * spatial (or tap) blocks (its x: one per invocation), so the filter values an invocation reads
 * are the same for the whole workgroup — one SIMD vector on lavapipe — and loaded once for all.
 * The block sizes are per adapter (`engine.conv`, tuning.ts).
 */

const ceil = (a: number, b: number) => Math.ceil(a / b);

/** Unrolled lines, one per element of `list`. */
const each = (list: number[], line: (i: number) => string) => list.map(line).join('\n');

/** Does every tap of every window land inside the image (no padding)? Then bounds checks go. */
const noPadding = (g: ConvGeometry) => g.padding[0] === 0 && g.padding[1] === 0;

/** The accumulators' updates: `acc_c_q += a_c · b_q` for the whole block. */
const fmas = (rows: number[], cols: number[], a: string, b: string) =>
  rows
    .flatMap((c) => cols.map((q) => `      acc${c}_${q} = fma(${a}${c}, ${b}${q}, acc${c}_${q});`))
    .join('\n');

const accumulators = (rows: number[], cols: number[]) =>
  rows.flatMap((c) => cols.map((q) => `  var acc${c}_${q} = 0.0;`)).join('\n');

function forwardSource(block: ConvBlock, checked: boolean): string {
  const cs = lanes(block.channels);
  const qs = lanes(block.positions);
  const [BC, BP] = [block.channels, block.positions];
  return `${bindings([
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'w', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ])}

${splitMain(`  let P = outH * outW;
  let pBlocks = (P + ${BP - 1}) / ${BP};
  let cBlocks = (COG + ${BC - 1}) / ${BC};
  if (u >= N * G * cBlocks || lane >= pBlocks) { return; }
  let pb = lane;
  let cb = u % cBlocks;
  let gi = (u / cBlocks) % G;
  let n = u / (cBlocks * G);
  let plane = inH * inW;
  let taps = KH * KW;
  let xImg = params[${EXTRA}] + (n * C + gi * CG) * plane;
  // the window of each position (clamped to the last one: computed, never stored)
${each(qs, (q) => `  let p${q} = min(pb * ${BP} + ${q}, P - 1);\n  let iy${q} = (p${q} / outW) * SH - PH;\n  let ix${q} = (p${q} % outW) * SW - PW;`)}
  // the filter row of each output channel
${each(cs, (c) => `  let wr${c} = params[${EXTRA + 1}] + (gi * COG + min(cb * ${BC} + ${c}, COG - 1)) * CG * taps;`)}
${accumulators(cs, qs)}
  for (var i = 0; i < KH; i = i + 1) {
    for (var j = 0; j < KW; j = j + 1) {
${each(qs, (q) =>
  checked
    ? `      let y${q} = iy${q} + i * DH;
      let x${q} = ix${q} + j * DW;
      let ok${q} = y${q} >= 0 && y${q} < inH && x${q} >= 0 && x${q} < inW;
      let o${q} = xImg + select(0, y${q} * inW + x${q}, ok${q});`
    : `      let o${q} = xImg + (iy${q} + i * DH) * inW + ix${q} + j * DW;`,
)}
      let tap = i * KW + j;
      for (var ci = 0; ci < CG; ci = ci + 1) {
        let xc = ci * plane;
        let wc = ci * taps + tap;
${each(qs, (q) => (checked ? `        let b${q} = select(0.0, x[o${q} + xc], ok${q});` : `        let b${q} = x[o${q} + xc];`))}
${each(cs, (c) => `        let a${c} = w[wr${c} + wc];`)}
${fmas(cs, qs, 'a', 'b').replaceAll('      acc', '        acc')}
      }
    }
  }
  let yImg = (n * Co + gi * COG) * P;
${cs
  .flatMap((c) =>
    qs.map(
      (q) =>
        `  if (cb * ${BC} + ${c} < COG && pb * ${BP} + ${q} < P) { y[yImg + (cb * ${BC} + ${c}) * P + pb * ${BP} + ${q}] = acc${c}_${q}; }`,
    ),
  )
  .join('\n')}`)}`;
}

function inputGradSource(block: ConvBlock, unitStride: boolean): string {
  const cs = lanes(block.channels);
  const qs = lanes(block.positions);
  const [BC, BP] = [block.channels, block.positions];
  // the output position whose window puts tap (i, j) on pixel (h, w): (h + PH − i·DH)/SH, when whole
  const tapOf = (q: number) =>
    unitStride
      ? `      let oy${q} = hy${q} - i * DH;
      let ox${q} = hx${q} - j * DW;
      let ok${q} = oy${q} >= 0 && oy${q} < outH && ox${q} >= 0 && ox${q} < outW;`
      : `      let ty${q} = hy${q} - i * DH;
      let tx${q} = hx${q} - j * DW;
      let oy${q} = ty${q} / SH;
      let ox${q} = tx${q} / SW;
      let ok${q} = ty${q} >= 0 && tx${q} >= 0 && oy${q} * SH == ty${q} && ox${q} * SW == tx${q} && oy${q} < outH && ox${q} < outW;`;
  return `${bindings([
    { name: 'dy', type: 'f32', access: 'read' },
    { name: 'w', type: 'f32', access: 'read' },
    { name: 'dx', type: 'f32', access: 'read_write' },
  ])}

${splitMain(`  let P = inH * inW;
  let Q = outH * outW;
  let pBlocks = (P + ${BP - 1}) / ${BP};
  let cBlocks = (CG + ${BC - 1}) / ${BC};
  if (u >= N * G * cBlocks || lane >= pBlocks) { return; }
  let pb = lane;
  let cb = u % cBlocks;
  let gi = (u / cBlocks) % G;
  let n = u / (cBlocks * G);
  let taps = KH * KW;
  let wCo = CG * taps;
  let dyImg = params[${EXTRA}] + (n * Co + gi * COG) * Q;
  // each pixel, shifted by the padding (clamped to the last one: computed, never stored)
${each(qs, (q) => `  let p${q} = min(pb * ${BP} + ${q}, P - 1);\n  let hy${q} = p${q} / inW + PH;\n  let hx${q} = p${q} % inW + PW;`)}
  // the filters of each input channel, for the group's first output channel
${each(cs, (c) => `  let wr${c} = params[${EXTRA + 1}] + gi * COG * wCo + min(cb * ${BC} + ${c}, CG - 1) * taps;`)}
${accumulators(cs, qs)}
  for (var i = 0; i < KH; i = i + 1) {
    for (var j = 0; j < KW; j = j + 1) {
${each(
  qs,
  (q) => `${tapOf(q)}
      let o${q} = dyImg + select(0, oy${q} * outW + ox${q}, ok${q});`,
)}
      let tap = i * KW + j;
      for (var co = 0; co < COG; co = co + 1) {
        let dc = co * Q;
        let wc = co * wCo + tap;
${each(qs, (q) => `        let b${q} = select(0.0, dy[o${q} + dc], ok${q});`)}
${each(cs, (c) => `        let a${c} = w[wr${c} + wc];`)}
${fmas(cs, qs, 'a', 'b').replaceAll('      acc', '        acc')}
      }
    }
  }
  let xImg = (n * C + gi * CG) * P;
${cs
  .flatMap((c) =>
    qs.map(
      (q) =>
        `  if (cb * ${BC} + ${c} < CG && pb * ${BP} + ${q} < P) { dx[xImg + (cb * ${BC} + ${c}) * P + pb * ${BP} + ${q}] = acc${c}_${q}; }`,
    ),
  )
  .join('\n')}`)}`;
}

/**
 * dW for a range of the N·Ho output rows (split `s` of `S`): with S > 1 each split writes its
 * partial sums to `[S, Co, K]`, which a second kernel adds up.
 */
function weightGradSource(block: ConvBlock, checked: boolean): string {
  const cs = lanes(block.channels);
  const bs = lanes(block.positions);
  const [BC, BT] = [block.channels, block.positions];
  return `${bindings([
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'dy', type: 'f32', access: 'read' },
    { name: 'dw', type: 'f32', access: 'read_write' },
  ])}

${splitMain(`  let S = params[${EXTRA + 2}];
  let taps = KH * KW;
  let T = CG * taps;
  let plane = inH * inW;
  let Q = outH * outW;
  let tBlocks = (T + ${BT - 1}) / ${BT};
  let cBlocks = (COG + ${BC - 1}) / ${BC};
  if (u >= S * G * cBlocks || lane >= tBlocks) { return; }
  let tb = lane;
  let cb = u % cBlocks;
  let gi = (u / cBlocks) % G;
  let s = u / (cBlocks * G);
  // split s of S takes rows/S of the N·Ho output rows (one more while s < rows % S)
  let rows = N * outH;
  let r0 = s * (rows / S) + min(s, rows % S);
  let r1 = r0 + rows / S + select(0, 1, s < rows % S);
  // each tap (input channel, i, j), clamped to the last one: computed, never stored
${each(
  bs,
  (b) => `  let k${b} = min(tb * ${BT} + ${b}, T - 1);
  let xc${b} = (gi * CG + k${b} / taps) * plane;
  let ti${b} = ((k${b} % taps) / KW) * DH - PH;
  let tj${b} = (k${b} % KW) * DW - PW;`,
)}
  // each output channel's plane
${each(cs, (c) => `  let dc${c} = (gi * COG + min(cb * ${BC} + ${c}, COG - 1)) * Q;`)}
${accumulators(cs, bs)}
  for (var r = r0; r < r1; r = r + 1) {
    let n = r / outH;
    let oy = r % outH;
    let xImg = params[${EXTRA}] + n * C * plane;
    let dyRow = params[${EXTRA + 1}] + n * Co * Q + oy * outW;
${each(bs, (b) =>
  checked
    ? `    let y${b} = oy * SH + ti${b};
    let rowOk${b} = y${b} >= 0 && y${b} < inH;
    let xr${b} = xImg + xc${b} + y${b} * inW;`
    : `    let xr${b} = xImg + xc${b} + (oy * SH + ti${b}) * inW;`,
)}
    for (var ox = 0; ox < outW; ox = ox + 1) {
      let ix = ox * SW;
${each(cs, (c) => `      let a${c} = dy[dyRow + dc${c} + ox];`)}
${each(bs, (b) =>
  checked
    ? `      let x${b} = ix + tj${b};
      let ok${b} = rowOk${b} && x${b} >= 0 && x${b} < inW;
      let b${b} = select(0.0, x[select(xImg, xr${b} + x${b}, ok${b})], ok${b});`
    : `      let b${b} = x[xr${b} + ix + tj${b}];`,
)}
${fmas(cs, bs, 'a', 'b')}
    }
  }
  let out = s * Co * T + gi * COG * T;
${cs
  .flatMap((c) =>
    bs.map(
      (b) =>
        `  if (cb * ${BC} + ${c} < COG && tb * ${BT} + ${b} < T) { dw[out + (cb * ${BC} + ${c}) * T + tb * ${BT} + ${b}] = acc${c}_${b}; }`,
    ),
  )
  .join('\n')}`)}`;
}

/** Sums `[S, E]` partials into `[E]`. Meta: [E, S]. */
const SUM_SPLITS = `${bindings([
  { name: 'parts', type: 'f32', access: 'read' },
  { name: 'out', type: 'f32', access: 'read_write' },
])}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = i32(gid.x + gid.y * nwg.x * 64u);
  let E = params[0];
  if (e >= E) { return; }
  var acc = 0.0;
  for (var s = 0; s < params[1]; s = s + 1) { acc = acc + parts[s * E + e]; }
  out[e] = acc;
}`;

const key = (name: string, b: ConvBlock, flag: string) => `${name}:${b.channels}x${b.positions}:${flag}`;

/** `y = conv2d(x, w)` into `out` `[N, Co, Ho, Wo]`. */
export function conv2d(
  engine: Engine,
  x: StridedView,
  w: StridedView,
  g: ConvGeometry,
  out: GPUBuffer,
): void {
  const P = g.output[0] * g.output[1];
  const b = engine.conv.blocks.forward;
  const uniform = g.batch * g.groups * ceil(g.outChannels / g.groups, b.channels);
  if (uniform === 0) return;
  const checked = !noPadding(g);
  const kernel = engine.kernel(key('conv2d', b, checked ? 'padded' : 'valid'), () =>
    forwardSource(b, checked),
  );
  const grid = splitGrid('conv2d', ceil(P, b.positions), uniform);
  engine.dispatch(kernel, windowMeta(g, g, [x.offset, w.offset]), [bufferOf(x), bufferOf(w), out], grid);
}

/** `dx` `[N, C, H, W]` of a convolution, from `dy` and `w`, into `out`. */
export function conv2dInputGrad(
  engine: Engine,
  dy: StridedView,
  w: StridedView,
  g: ConvGeometry,
  out: GPUBuffer,
): void {
  const b = engine.conv.blocks.inputGrad;
  const pixels = g.input[0] * g.input[1];
  const uniform = g.batch * g.groups * ceil(g.inChannels / g.groups, b.channels);
  if (uniform === 0) return;
  const unit = g.stride[0] === 1 && g.stride[1] === 1;
  const kernel = engine.kernel(key('conv2dInputGrad', b, unit ? 'unit' : 'strided'), () =>
    inputGradSource(b, unit),
  );
  const grid = splitGrid('conv2dInputGrad', ceil(pixels, b.positions), uniform);
  engine.dispatch(kernel, windowMeta(g, g, [dy.offset, w.offset]), [bufferOf(dy), bufferOf(w), out], grid);
}

/**
 * `dW` `[Co, C/groups, kh, kw]` of a convolution, from `x` and `dy`, into `out`. The sum runs
 * over N·Ho·Wo positions; when the weight alone gives fewer than `engine.conv.splitTarget`
 * invocations, the output rows are split among more (each writes partial sums; one more
 * dispatch adds them), so a small filter bank still fills the device.
 */
export function conv2dWeightGrad(
  engine: Engine,
  x: StridedView,
  dy: StridedView,
  g: ConvGeometry,
  out: GPUBuffer,
): void {
  const op = 'conv2dWeightGrad';
  const b = engine.conv.blocks.weightGrad;
  const T = (g.inChannels / g.groups) * g.kernel[0] * g.kernel[1];
  const tBlocks = ceil(T, b.positions);
  const uniform = g.groups * ceil(g.outChannels / g.groups, b.channels);
  const blocks = uniform * tBlocks;
  const rows = g.batch * g.output[0];
  const size = g.outChannels * T;
  if (size === 0 || rows === 0) return;
  const splits = Math.max(1, Math.min(rows, ceil(engine.conv.splitTarget, blocks)));
  const checked = !noPadding(g);
  const kernel = engine.kernel(key('conv2dWeightGrad', b, checked ? 'padded' : 'valid'), () =>
    weightGradSource(b, checked),
  );
  const meta = windowMeta(g, g, [x.offset, dy.offset, splits]);
  if (splits === 1) {
    engine.dispatch(kernel, meta, [bufferOf(x), bufferOf(dy), out], splitGrid(op, tBlocks, uniform));
    return;
  }
  const parts = engine.allocate(splits * size * 4);
  engine.dispatch(kernel, meta, [bufferOf(x), bufferOf(dy), parts], splitGrid(op, tBlocks, splits * uniform));
  const sum = engine.kernel('conv2dWeightGrad:sum', () => SUM_SPLITS);
  engine.dispatch(sum, Int32Array.from([size, splits]), [parts, out], size);
  engine.pool.release(parts); // reused only by work recorded after this, so after the sum
}
