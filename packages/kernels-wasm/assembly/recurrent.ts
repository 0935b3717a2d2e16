// The fused recurrent cells over float32 rows (see core-tensor's cpu/recurrent.ts, the reference):
// one pass per row, gates recomputed from the pre-activations in the backward pass, the
// transcendentals in float64 like the CPU so both round alike.

function sigmoid(x: f32): f64 {
  return 1 / (1 + Math.exp(-(<f64>x)));
}

function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

/** out [rows, 2H] = [h′ | c′] of an LSTM step from gates [rows, 4H] (i, f, g, o) and c [rows, H]. */
export function lstm_cell_f32(rows: i32, H: i32, gates: usize, c: usize, out: usize): void {
  for (let b = 0; b < rows; b++) {
    const g0 = b * 4 * H;
    for (let k = 0; k < H; k++) {
      const i = sigmoid(load<f32>(at(gates, g0 + k)));
      const f = sigmoid(load<f32>(at(gates, g0 + H + k)));
      const g = Math.tanh(<f64>load<f32>(at(gates, g0 + 2 * H + k)));
      const o = sigmoid(load<f32>(at(gates, g0 + 3 * H + k)));
      const cNext = <f32>(f * <f64>load<f32>(at(c, b * H + k)) + i * g);
      store<f32>(at(out, b * 2 * H + H + k), cNext);
      store<f32>(at(out, b * 2 * H + k), <f32>(o * Math.tanh(<f64>cNext)));
    }
  }
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
    const g0 = b * 4 * H;
    for (let k = 0; k < H; k++) {
      const i = sigmoid(load<f32>(at(gates, g0 + k)));
      const f = sigmoid(load<f32>(at(gates, g0 + H + k)));
      const g = Math.tanh(<f64>load<f32>(at(gates, g0 + 2 * H + k)));
      const o = sigmoid(load<f32>(at(gates, g0 + 3 * H + k)));
      const tc = Math.tanh(<f64>load<f32>(at(out, b * 2 * H + H + k)));
      const dh = <f64>load<f32>(at(dOut, b * 2 * H + k));
      const dcNext = <f64>load<f32>(at(dOut, b * 2 * H + H + k)) + dh * o * (1 - tc * tc);
      store<f32>(at(dGates, g0 + k), <f32>(dcNext * g * i * (1 - i)));
      store<f32>(at(dGates, g0 + H + k), <f32>(dcNext * <f64>load<f32>(at(c, b * H + k)) * f * (1 - f)));
      store<f32>(at(dGates, g0 + 2 * H + k), <f32>(dcNext * i * (1 - g * g)));
      store<f32>(at(dGates, g0 + 3 * H + k), <f32>(dh * tc * o * (1 - o)));
      store<f32>(at(dc, b * H + k), <f32>(dcNext * f));
    }
  }
}

/** out [rows, H] = h′ of a GRU step from gi, gh [rows, 3H] (r, z, n) and h [rows, H]. */
export function gru_cell_f32(rows: i32, H: i32, gi: usize, gh: usize, h: usize, out: usize): void {
  for (let b = 0; b < rows; b++) {
    const a = b * 3 * H;
    for (let k = 0; k < H; k++) {
      const r = sigmoid(load<f32>(at(gi, a + k)) + load<f32>(at(gh, a + k)));
      const z = sigmoid(load<f32>(at(gi, a + H + k)) + load<f32>(at(gh, a + H + k)));
      const n = Math.tanh(<f64>load<f32>(at(gi, a + 2 * H + k)) + r * <f64>load<f32>(at(gh, a + 2 * H + k)));
      store<f32>(at(out, b * H + k), <f32>(n + z * (<f64>load<f32>(at(h, b * H + k)) - n)));
    }
  }
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
    const a = b * 3 * H;
    for (let k = 0; k < H; k++) {
      const r = sigmoid(load<f32>(at(gi, a + k)) + load<f32>(at(gh, a + k)));
      const z = sigmoid(load<f32>(at(gi, a + H + k)) + load<f32>(at(gh, a + H + k)));
      const nh = <f64>load<f32>(at(gh, a + 2 * H + k));
      const n = Math.tanh(<f64>load<f32>(at(gi, a + 2 * H + k)) + r * nh);
      const g = <f64>load<f32>(at(dOut, b * H + k));
      const dn = g * (1 - z) * (1 - n * n);
      const dr = dn * nh * r * (1 - r);
      const dz = g * (<f64>load<f32>(at(h, b * H + k)) - n) * z * (1 - z);
      store<f32>(at(dgi, a + k), <f32>dr);
      store<f32>(at(dgi, a + H + k), <f32>dz);
      store<f32>(at(dgi, a + 2 * H + k), <f32>dn);
      store<f32>(at(dgh, a + k), <f32>dr);
      store<f32>(at(dgh, a + H + k), <f32>dz);
      store<f32>(at(dgh, a + 2 * H + k), <f32>(dn * r));
      store<f32>(at(dh, b * H + k), <f32>(g * z));
    }
  }
}
