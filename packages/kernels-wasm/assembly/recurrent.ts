// The fused recurrent cells over float32 rows (see core-tensor's cpu/recurrent.ts, the reference):
// one pass per row, four hidden units at a time (vector-math.ts; a row's tail goes through the
// same functions one lane at a time, so every unit rounds alike), gates recomputed from the
// pre-activations in the backward pass.
import { sigmoid4, tanh4 } from './vector-math';

// Four floats at p, or one (broadcast) when lanes = 1; stores likewise.
function ld(p: usize, lanes: i32): v128 {
  return lanes === 4 ? v128.load(p) : f32x4.splat(load<f32>(p));
}

function st(p: usize, v: v128, lanes: i32): void {
  if (lanes === 4) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

// σ′(x)/σ(x) = 1 − σ(x), computed as σ(−x): exact at both ends, where 1 − σ(x) would cancel.
function sigmoidOfMinus(x: v128): v128 {
  return sigmoid4(f32x4.neg(x));
}

function oneMinusSquare(t: v128): v128 {
  return f32x4.sub(f32x4.splat(1), f32x4.mul(t, t));
}

function lstmUnits(b: i32, k: i32, H: i32, gates: usize, c: usize, out: usize, lanes: i32): void {
  const g0 = b * 4 * H + k;
  const i = sigmoid4(ld(at(gates, g0), lanes));
  const f = sigmoid4(ld(at(gates, g0 + H), lanes));
  const g = tanh4(ld(at(gates, g0 + 2 * H), lanes));
  const o = sigmoid4(ld(at(gates, g0 + 3 * H), lanes));
  const cNext = f32x4.add(f32x4.mul(f, ld(at(c, b * H + k), lanes)), f32x4.mul(i, g));
  st(at(out, b * 2 * H + H + k), cNext, lanes);
  st(at(out, b * 2 * H + k), f32x4.mul(o, tanh4(cNext)), lanes);
}

/** out [rows, 2H] = [h′ | c′] of an LSTM step from gates [rows, 4H] (i, f, g, o) and c [rows, H]. */
export function lstm_cell_f32(rows: i32, H: i32, gates: usize, c: usize, out: usize): void {
  for (let b = 0; b < rows; b++) {
    let k = 0;
    for (; k + 4 <= H; k += 4) lstmUnits(b, k, H, gates, c, out, 4);
    for (; k < H; k++) lstmUnits(b, k, H, gates, c, out, 1);
  }
}

function lstmGradUnits(
  b: i32,
  k: i32,
  H: i32,
  gates: usize,
  c: usize,
  out: usize,
  dOut: usize,
  dGates: usize,
  dc: usize,
  lanes: i32,
): void {
  const g0 = b * 4 * H + k;
  const xi = ld(at(gates, g0), lanes);
  const xf = ld(at(gates, g0 + H), lanes);
  const xo = ld(at(gates, g0 + 3 * H), lanes);
  const i = sigmoid4(xi);
  const f = sigmoid4(xf);
  const g = tanh4(ld(at(gates, g0 + 2 * H), lanes));
  const o = sigmoid4(xo);
  const tc = tanh4(ld(at(out, b * 2 * H + H + k), lanes));
  const dh = ld(at(dOut, b * 2 * H + k), lanes);
  const dcNext = f32x4.add(
    ld(at(dOut, b * 2 * H + H + k), lanes),
    f32x4.mul(f32x4.mul(dh, o), oneMinusSquare(tc)),
  );
  const di = f32x4.mul(f32x4.mul(f32x4.mul(dcNext, g), i), sigmoidOfMinus(xi));
  const df = f32x4.mul(f32x4.mul(f32x4.mul(dcNext, ld(at(c, b * H + k), lanes)), f), sigmoidOfMinus(xf));
  st(at(dGates, g0), di, lanes);
  st(at(dGates, g0 + H), df, lanes);
  st(at(dGates, g0 + 2 * H), f32x4.mul(f32x4.mul(dcNext, i), oneMinusSquare(g)), lanes);
  st(at(dGates, g0 + 3 * H), f32x4.mul(f32x4.mul(f32x4.mul(dh, tc), o), sigmoidOfMinus(xo)), lanes);
  st(at(dc, b * H + k), f32x4.mul(dcNext, f), lanes);
}

/** dGates [rows, 4H] and dc [rows, H] of an LSTM step from its inputs, output and output gradient. */
export function lstm_cell_grad_f32(
  rows: i32,
  H: i32,
  gates: usize,
  c: usize,
  out: usize,
  dOut: usize,
  dGates: usize,
  dc: usize,
): void {
  for (let b = 0; b < rows; b++) {
    let k = 0;
    for (; k + 4 <= H; k += 4) lstmGradUnits(b, k, H, gates, c, out, dOut, dGates, dc, 4);
    for (; k < H; k++) lstmGradUnits(b, k, H, gates, c, out, dOut, dGates, dc, 1);
  }
}

function gruUnits(b: i32, k: i32, H: i32, gi: usize, gh: usize, h: usize, out: usize, lanes: i32): void {
  const a = b * 3 * H + k;
  const r = sigmoid4(f32x4.add(ld(at(gi, a), lanes), ld(at(gh, a), lanes)));
  const z = sigmoid4(f32x4.add(ld(at(gi, a + H), lanes), ld(at(gh, a + H), lanes)));
  const n = tanh4(f32x4.add(ld(at(gi, a + 2 * H), lanes), f32x4.mul(r, ld(at(gh, a + 2 * H), lanes))));
  st(at(out, b * H + k), f32x4.add(n, f32x4.mul(z, f32x4.sub(ld(at(h, b * H + k), lanes), n))), lanes);
}

/** out [rows, H] = h′ of a GRU step from gi, gh [rows, 3H] (r, z, n) and h [rows, H]. */
export function gru_cell_f32(rows: i32, H: i32, gi: usize, gh: usize, h: usize, out: usize): void {
  for (let b = 0; b < rows; b++) {
    let k = 0;
    for (; k + 4 <= H; k += 4) gruUnits(b, k, H, gi, gh, h, out, 4);
    for (; k < H; k++) gruUnits(b, k, H, gi, gh, h, out, 1);
  }
}

function gruGradUnits(
  b: i32,
  k: i32,
  H: i32,
  gi: usize,
  gh: usize,
  h: usize,
  dOut: usize,
  dgi: usize,
  dgh: usize,
  dh: usize,
  lanes: i32,
): void {
  const a = b * 3 * H + k;
  const xr = f32x4.add(ld(at(gi, a), lanes), ld(at(gh, a), lanes));
  const xz = f32x4.add(ld(at(gi, a + H), lanes), ld(at(gh, a + H), lanes));
  const r = sigmoid4(xr);
  const z = sigmoid4(xz);
  const nh = ld(at(gh, a + 2 * H), lanes);
  const n = tanh4(f32x4.add(ld(at(gi, a + 2 * H), lanes), f32x4.mul(r, nh)));
  const g = ld(at(dOut, b * H + k), lanes);
  const oneMinusZ = sigmoidOfMinus(xz);
  const dn = f32x4.mul(f32x4.mul(g, oneMinusZ), oneMinusSquare(n));
  const dr = f32x4.mul(f32x4.mul(f32x4.mul(dn, nh), r), sigmoidOfMinus(xr));
  const dz = f32x4.mul(f32x4.mul(f32x4.mul(g, f32x4.sub(ld(at(h, b * H + k), lanes), n)), z), oneMinusZ);
  st(at(dgi, a), dr, lanes);
  st(at(dgi, a + H), dz, lanes);
  st(at(dgi, a + 2 * H), dn, lanes);
  st(at(dgh, a), dr, lanes);
  st(at(dgh, a + H), dz, lanes);
  st(at(dgh, a + 2 * H), f32x4.mul(dn, r), lanes);
  st(at(dh, b * H + k), f32x4.mul(g, z), lanes);
}

/** dgi, dgh [rows, 3H] and dh [rows, H] of a GRU step from its inputs and dh′. */
export function gru_cell_grad_f32(
  rows: i32,
  H: i32,
  gi: usize,
  gh: usize,
  h: usize,
  dOut: usize,
  dgi: usize,
  dgh: usize,
  dh: usize,
): void {
  for (let b = 0; b < rows; b++) {
    let k = 0;
    for (; k + 4 <= H; k += 4) gruGradUnits(b, k, H, gi, gh, h, dOut, dgi, dgh, dh, 4);
    for (; k < H; k++) gruGradUnits(b, k, H, gi, gh, h, dOut, dgi, dgh, dh, 1);
  }
}
