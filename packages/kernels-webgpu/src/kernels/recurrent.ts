import type { StridedView } from '@mlblocks/core-tensor';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { bindings, main1d } from './wgsl.js';

/**
 * The fused recurrent cells: one invocation per (row, hidden unit) computes that unit's gate
 * nonlinearities and state update — forward and backward — so an LSTM or GRU step is one
 * dispatch after its matmuls instead of about a dozen element-wise ones. The backward recomputes
 * the gates from their pre-activations (cheaper than keeping them), as the CPU reference does.
 * Views are contiguous rows (the contract's promise); meta: [B·H, H, offsets of the inputs…].
 */

/**
 * Activations and their derivatives written so float32 keeps its digits: σ′ = σ(x)·σ(−x) and
 * tanh′ = sech² = 4e/(1 + e)² with e = exp(−2|x|), not 1 − σ and 1 − tanh², which cancel when a
 * gate saturates (a relative error of 3e-5 in GRU gradients on lavapipe); tanh from e as well,
 * since WGSL's built-in tanh may overflow to NaN for large |x| on some drivers.
 */
const HEADER = `fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn dsigmoid(x: f32) -> f32 { return sigmoid(x) * sigmoid(-x); }
fn tanh_(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }
fn sech2(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); return 4.0 * e / ((1.0 + e) * (1.0 + e)); }`;

const UNIT = `  let H = u32(params[1]);
  let b = i / H;
  let k = i % H;`;

/** An LSTM unit's gates (i, f, g, o) from its pre-activations, shared by the forward and the backward. */
const LSTM_GATES = `  let g0 = u32(params[2]) + b * 4u * H + k;
  let ig = sigmoid(gates[g0]);
  let fg = sigmoid(gates[g0 + H]);
  let gg = tanh_(gates[g0 + 2u * H]);
  let og = sigmoid(gates[g0 + 3u * H]);`;

/** A GRU unit's pre-activations (pr, pz, pn), reset gate r and candidate n, shared by both passes. */
const GRU_GATES = `  let a = u32(params[2]) + b * 3u * H + k;
  let e = u32(params[3]) + b * 3u * H + k;
  let pr = gi[a] + gh[e];
  let pz = gi[a + H] + gh[e + H];
  let r = sigmoid(pr);
  let nh = gh[e + 2u * H];
  let pn = gi[a + 2u * H] + r * nh;
  let n = tanh_(pn);`;

const LSTM = `${bindings([
  { name: 'gates', type: 'f32', access: 'read' },
  { name: 'c', type: 'f32', access: 'read' },
  { name: 'out', type: 'f32', access: 'read_write' },
])}
${HEADER}
${main1d(
  'u32(params[0])',
  `${UNIT}
${LSTM_GATES}
  let cNext = fg * c[u32(params[3]) + i] + ig * gg;
  out[b * 2u * H + H + k] = cNext;
  out[b * 2u * H + k] = og * tanh_(cNext);`,
)}`;

const LSTM_GRAD = `${bindings([
  { name: 'gates', type: 'f32', access: 'read' },
  { name: 'c', type: 'f32', access: 'read' },
  { name: 'o', type: 'f32', access: 'read' },
  { name: 'dOut', type: 'f32', access: 'read' },
  { name: 'dGates', type: 'f32', access: 'read_write' },
  { name: 'dc', type: 'f32', access: 'read_write' },
])}
${HEADER}
${main1d(
  'u32(params[0])',
  `${UNIT}
${LSTM_GATES}
  let cNext = o[u32(params[4]) + b * 2u * H + H + k];
  let tc = tanh_(cNext);
  let d0 = u32(params[5]) + b * 2u * H + k;
  let dh = dOut[d0];
  let dcNext = dOut[d0 + H] + dh * og * sech2(cNext);
  let d = b * 4u * H + k;
  dGates[d] = dcNext * gg * dsigmoid(gates[g0]);
  dGates[d + H] = dcNext * c[u32(params[3]) + i] * dsigmoid(gates[g0 + H]);
  dGates[d + 2u * H] = dcNext * ig * sech2(gates[g0 + 2u * H]);
  dGates[d + 3u * H] = dh * tc * dsigmoid(gates[g0 + 3u * H]);
  dc[i] = dcNext * fg;`,
)}`;

const GRU = `${bindings([
  { name: 'gi', type: 'f32', access: 'read' },
  { name: 'gh', type: 'f32', access: 'read' },
  { name: 'h', type: 'f32', access: 'read' },
  { name: 'out', type: 'f32', access: 'read_write' },
])}
${HEADER}
${main1d(
  'u32(params[0])',
  `${UNIT}
${GRU_GATES}
  out[i] = n + sigmoid(pz) * (h[u32(params[4]) + i] - n);`,
)}`;

const GRU_GRAD = `${bindings([
  { name: 'gi', type: 'f32', access: 'read' },
  { name: 'gh', type: 'f32', access: 'read' },
  { name: 'h', type: 'f32', access: 'read' },
  { name: 'dOut', type: 'f32', access: 'read' },
  { name: 'dgi', type: 'f32', access: 'read_write' },
  { name: 'dgh', type: 'f32', access: 'read_write' },
  { name: 'dh', type: 'f32', access: 'read_write' },
])}
${HEADER}
${main1d(
  'u32(params[0])',
  `${UNIT}
${GRU_GATES}
  let g = dOut[u32(params[5]) + i];
  let dn = g * sigmoid(-pz) * sech2(pn);
  let dr = dn * nh * dsigmoid(pr);
  let dz = g * (h[u32(params[4]) + i] - n) * dsigmoid(pz);
  let d = b * 3u * H + k;
  dgi[d] = dr;
  dgi[d + H] = dz;
  dgi[d + 2u * H] = dn;
  dgh[d] = dr;
  dgh[d + H] = dz;
  dgh[d + 2u * H] = dn * r;
  dh[i] = g * sigmoid(pz);`,
)}`;

/** Units of a step (`rows × H`) and the meta every recurrent kernel starts with. */
function meta(state: StridedView, views: StridedView[]): { units: number; meta: Int32Array } {
  const [rows, H] = [state.shape[0]!, state.shape[1]!];
  return { units: rows * H, meta: Int32Array.from([rows * H, H, ...views.map((v) => v.offset)]) };
}

/** LSTM step: `out` `[B, 2H]` = [h′ | c′] from `gates` `[B, 4H]` (i, f, g, o) and `c` `[B, H]`. */
export function lstmCell(engine: Engine, gates: StridedView, c: StridedView, out: GPUBuffer): void {
  const m = meta(c, [gates, c]);
  if (m.units === 0) return;
  engine.dispatch(
    engine.kernel('lstmCell', () => LSTM),
    m.meta,
    [bufferOf(gates), bufferOf(c), out],
    m.units,
  );
}

/** The LSTM step's gradient into `dGates` `[B, 4H]` and `dc` `[B, H]`. */
export function lstmCellGrad(
  engine: Engine,
  gates: StridedView,
  c: StridedView,
  out: StridedView,
  dOut: StridedView,
  dGates: GPUBuffer,
  dc: GPUBuffer,
): void {
  const m = meta(c, [gates, c, out, dOut]);
  if (m.units === 0) return;
  engine.dispatch(
    engine.kernel('lstmCellGrad', () => LSTM_GRAD),
    m.meta,
    [bufferOf(gates), bufferOf(c), bufferOf(out), bufferOf(dOut), dGates, dc],
    m.units,
  );
}

/** GRU step: `out` `[B, H]` = h′ from `gi`, `gh` `[B, 3H]` (r, z, n) and `h` `[B, H]`. */
export function gruCell(
  engine: Engine,
  gi: StridedView,
  gh: StridedView,
  h: StridedView,
  out: GPUBuffer,
): void {
  const m = meta(h, [gi, gh, h]);
  if (m.units === 0) return;
  engine.dispatch(
    engine.kernel('gruCell', () => GRU),
    m.meta,
    [bufferOf(gi), bufferOf(gh), bufferOf(h), out],
    m.units,
  );
}

/** The GRU step's gradient into `dgi`, `dgh` `[B, 3H]` and `dh` `[B, H]`. */
export function gruCellGrad(
  engine: Engine,
  gi: StridedView,
  gh: StridedView,
  h: StridedView,
  dOut: StridedView,
  dgi: GPUBuffer,
  dgh: GPUBuffer,
  dh: GPUBuffer,
): void {
  const m = meta(h, [gi, gh, h, dOut]);
  if (m.units === 0) return;
  engine.dispatch(
    engine.kernel('gruCellGrad', () => GRU_GRAD),
    m.meta,
    [bufferOf(gi), bufferOf(gh), bufferOf(h), bufferOf(dOut), dgi, dgh, dh],
    m.units,
  );
}

/** The LSTM and GRU kernels by cache key, for compiling them ahead (see fused-kernels.ts). */
export const LSTM_KERNELS: readonly [string, () => string][] = [
  ['lstmCell', () => LSTM],
  ['lstmCellGrad', () => LSTM_GRAD],
];
export const GRU_KERNELS: readonly [string, () => string][] = [
  ['gruCell', () => GRU],
  ['gruCellGrad', () => GRU_GRAD],
];
