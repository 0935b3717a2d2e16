import type { StridedView } from '../backend/backend.js';
import type { TypedArray } from '../dtype.js';
import { dataOf } from './cpu-storage.js';

/**
 * The CPU reference of the fused recurrent cells: one pass over each row of a batch, gates
 * recomputed from the pre-activations in the backward pass (cheaper than keeping them), in float64
 * like every CPU kernel. Views are contiguous; H is the hidden size.
 */

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** out [B, 2H] = [h′ | c′] of an LSTM step. */
export function lstmCellInto(gates: StridedView, c: StridedView, out: TypedArray): void {
  const G = dataOf(gates);
  const C = dataOf(c);
  const H = c.shape[1]!;
  const rows = c.shape[0]!;
  for (let b = 0; b < rows; b++) {
    const g0 = gates.offset + b * 4 * H;
    for (let k = 0; k < H; k++) {
      const i = sigmoid(G[g0 + k]!);
      const f = sigmoid(G[g0 + H + k]!);
      const g = Math.tanh(G[g0 + 2 * H + k]!);
      const o = sigmoid(G[g0 + 3 * H + k]!);
      const cNext = f * C[c.offset + b * H + k]! + i * g;
      out[b * 2 * H + H + k] = cNext;
      out[b * 2 * H + k] = o * Math.tanh(cNext);
    }
  }
}

/** dGates [B, 4H] and dc [B, H] of an LSTM step, from its inputs, output and output gradient. */
export function lstmCellGradInto(
  gates: StridedView,
  c: StridedView,
  out: StridedView,
  dOut: StridedView,
  dGates: TypedArray,
  dc: TypedArray,
): void {
  const [G, C, O, D] = [dataOf(gates), dataOf(c), dataOf(out), dataOf(dOut)];
  const H = c.shape[1]!;
  const rows = c.shape[0]!;
  for (let b = 0; b < rows; b++) {
    const g0 = gates.offset + b * 4 * H;
    for (let k = 0; k < H; k++) {
      const i = sigmoid(G[g0 + k]!);
      const f = sigmoid(G[g0 + H + k]!);
      const g = Math.tanh(G[g0 + 2 * H + k]!);
      const o = sigmoid(G[g0 + 3 * H + k]!);
      const tc = Math.tanh(O[out.offset + b * 2 * H + H + k]!);
      const dh = D[dOut.offset + b * 2 * H + k]!;
      const dcNext = D[dOut.offset + b * 2 * H + H + k]! + dh * o * (1 - tc * tc);
      const d = b * 4 * H;
      dGates[d + k] = dcNext * g * i * (1 - i);
      dGates[d + H + k] = dcNext * C[c.offset + b * H + k]! * f * (1 - f);
      dGates[d + 2 * H + k] = dcNext * i * (1 - g * g);
      dGates[d + 3 * H + k] = dh * tc * o * (1 - o);
      dc[b * H + k] = dcNext * f;
    }
  }
}

/** out [B, H] = h′ of a GRU step. */
export function gruCellInto(gi: StridedView, gh: StridedView, h: StridedView, out: TypedArray): void {
  const [I, R, X] = [dataOf(gi), dataOf(gh), dataOf(h)];
  const H = h.shape[1]!;
  const rows = h.shape[0]!;
  for (let b = 0; b < rows; b++) {
    const a = gi.offset + b * 3 * H;
    const e = gh.offset + b * 3 * H;
    for (let k = 0; k < H; k++) {
      const r = sigmoid(I[a + k]! + R[e + k]!);
      const z = sigmoid(I[a + H + k]! + R[e + H + k]!);
      const n = Math.tanh(I[a + 2 * H + k]! + r * R[e + 2 * H + k]!);
      out[b * H + k] = n + z * (X[h.offset + b * H + k]! - n);
    }
  }
}

/** dgi, dgh [B, 3H] and dh [B, H] of a GRU step, from its inputs and dh′. */
export function gruCellGradInto(
  gi: StridedView,
  gh: StridedView,
  h: StridedView,
  dOut: StridedView,
  dgi: TypedArray,
  dgh: TypedArray,
  dh: TypedArray,
): void {
  const [I, R, X, D] = [dataOf(gi), dataOf(gh), dataOf(h), dataOf(dOut)];
  const H = h.shape[1]!;
  const rows = h.shape[0]!;
  for (let b = 0; b < rows; b++) {
    const a = gi.offset + b * 3 * H;
    const e = gh.offset + b * 3 * H;
    for (let k = 0; k < H; k++) {
      const r = sigmoid(I[a + k]! + R[e + k]!);
      const z = sigmoid(I[a + H + k]! + R[e + H + k]!);
      const nh = R[e + 2 * H + k]!;
      const n = Math.tanh(I[a + 2 * H + k]! + r * nh);
      const g = D[dOut.offset + b * H + k]!;
      const hk = X[h.offset + b * H + k]!;
      const dn = g * (1 - z) * (1 - n * n);
      const dr = dn * nh * r * (1 - r);
      const dz = g * (hk - n) * z * (1 - z);
      const d = b * 3 * H;
      dgi[d + k] = dr;
      dgi[d + H + k] = dz;
      dgi[d + 2 * H + k] = dn;
      dgh[d + k] = dr;
      dgh[d + H + k] = dz;
      dgh[d + 2 * H + k] = dn * r;
      dh[b * H + k] = g * z;
    }
  }
}
