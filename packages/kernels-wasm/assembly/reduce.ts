// Row reductions over contiguous float32 rows, accumulating in float64 like the CPU reference
// (sum and prod), and the fused softmax / log-softmax. `op` is one of the REDUCE_* codes.

import { REDUCE_ARGMAX, REDUCE_ARGMIN, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_SUM } from './ops.gen';
import { exp1, exp4 } from './vector-math';

export function reduce_rows_f32(op: i32, rows: i32, n: i32, x: usize, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>n) << 2);
    const o = out + ((<usize>r) << 2);
    if (op === REDUCE_SUM) store<f32>(o, <f32>sumRow(row, n));
    else if (op === REDUCE_PROD) {
      let acc: f64 = 1;
      for (let i = 0; i < n; i++) acc *= <f64>load<f32>(row + ((<usize>i) << 2));
      store<f32>(o, <f32>acc);
    } else if (op === REDUCE_MAX || op === REDUCE_MIN) store<f32>(o, extreme(row, n, op === REDUCE_MAX));
    else if (op === REDUCE_ARGMAX || op === REDUCE_ARGMIN)
      store<i32>(o, argExtreme(row, n, op === REDUCE_ARGMAX));
    else unreachable();
  }
}

function sumRow(row: usize, n: i32): f64 {
  let i = 0;
  let v0 = f64x2.splat(0);
  let v1 = f64x2.splat(0);
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(row + ((<usize>i) << 2));
    v0 = f64x2.add(v0, f64x2.promote_low_f32x4(v));
    v1 = f64x2.add(v1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(v0, v1);
  let acc = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) acc += <f64>load<f32>(row + ((<usize>i) << 2));
  return acc;
}

// NaN propagates (wasm min/max return NaN when either lane is NaN), like the CPU reference.
function extreme(row: usize, n: i32, isMax: bool): f32 {
  let i = 0;
  let m: f32 = isMax ? -Infinity : Infinity;
  if (n >= 4) {
    let v = f32x4.splat(m);
    for (; i + 4 <= n; i += 4) {
      const x = v128.load(row + ((<usize>i) << 2));
      v = isMax ? f32x4.max(v, x) : f32x4.min(v, x);
    }
    for (let l = 0; l < 4; l++) {
      const e = f32x4.extract_lane(v, 0);
      m = isMax ? max<f32>(m, e) : min<f32>(m, e);
      v = i32x4.shuffle(v, v, 1, 2, 3, 0);
    }
  }
  for (; i < n; i++) {
    const x = load<f32>(row + ((<usize>i) << 2));
    m = isMax ? max<f32>(m, x) : min<f32>(m, x);
  }
  return m;
}

// First index of the extreme; NaN counts as the extreme (first NaN wins), as in PyTorch.
function argExtreme(row: usize, n: i32, isMax: bool): i32 {
  let m: f32 = isMax ? -Infinity : Infinity;
  let best = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f32>(row + ((<usize>i) << 2));
    if (Number.isNaN(v)) return i;
    if (isMax ? v > m : v < m) {
      m = v;
      best = i;
    }
  }
  return best;
}

/** out[c] = Σ_r x[r, c] over a contiguous [rows, cols] block (a bias gradient), in float64. */
function sum_cols_f32(rows: i32, cols: i32, x: usize, out: usize, acc: usize): void {
  memory.fill(acc, 0, (<usize>cols) << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let c = 0;
    for (; c + 2 <= cols; c += 2) {
      const p = acc + ((<usize>c) << 3);
      v128.store(
        p,
        f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v128.load64_zero(row + ((<usize>c) << 2)))),
      );
    }
    for (; c < cols; c++) {
      const p = acc + ((<usize>c) << 3);
      store<f64>(p, load<f64>(p) + <f64>load<f32>(row + ((<usize>c) << 2)));
    }
  }
  for (let c = 0; c < cols; c++) store<f32>(out + ((<usize>c) << 2), <f32>load<f64>(acc + ((<usize>c) << 3)));
}

/** Softmax (or log-softmax) of each contiguous row: max first, so logits like 1e4 cannot overflow exp. */
export function softmax_rows_f32(log: bool, rows: i32, n: i32, x: usize, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>n) << 2);
    const o = out + ((<usize>r * <usize>n) << 2);
    let m: f64 = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = <f64>load<f32>(row + ((<usize>i) << 2));
      if (v > m) m = v;
    }
    let sum: f64 = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(<f64>load<f32>(row + ((<usize>i) << 2)) - m);
    if (log) {
      // (x − m) − log Σ, never x − (m + log Σ): for |x| ≳ 1e14 m + log Σ rounds back to m
      const logSum = Math.log(sum);
      for (let i = 0; i < n; i++)
        store<f32>(o + ((<usize>i) << 2), <f32>(<f64>load<f32>(row + ((<usize>i) << 2)) - m - logSum));
    } else {
      const inv = 1 / sum;
      for (let i = 0; i < n; i++)
        store<f32>(o + ((<usize>i) << 2), <f32>(Math.exp(<f64>load<f32>(row + ((<usize>i) << 2)) - m) * inv));
    }
  }
}

/**
 * out[o, c] = op over m of x[o, m, c], for a contiguous [outer, mid, inner] block: a reduction
 * over middle axes (a pooling window's taps, a batch of bias gradients) read row by row, with no
 * transposing copy. sum accumulates in float64 (`acc`: inner × 8 bytes); max/min propagate NaN.
 * `op` is REDUCE_SUM, REDUCE_MAX or REDUCE_MIN.
 */
export function reduce_mid_f32(
  op: i32,
  outer: i32,
  mid: i32,
  inner: i32,
  x: usize,
  out: usize,
  acc: usize,
): void {
  if (op !== REDUCE_SUM && op !== REDUCE_MAX && op !== REDUCE_MIN) unreachable();
  const isMax = op === REDUCE_MAX;
  for (let o = 0; o < outer; o++) {
    const block = x + ((<usize>o * <usize>mid * <usize>inner) << 2);
    const dst = out + ((<usize>o * <usize>inner) << 2);
    if (op === REDUCE_SUM) {
      sum_cols_f32(mid, inner, block, dst, acc);
      continue;
    }
    memory.copy(dst, block, (<usize>inner) << 2);
    for (let m = 1; m < mid; m++) {
      const row = block + ((<usize>m * <usize>inner) << 2);
      let c = 0;
      for (; c + 4 <= inner; c += 4) {
        const p = dst + ((<usize>c) << 2);
        const v = v128.load(row + ((<usize>c) << 2));
        v128.store(p, isMax ? f32x4.max(v128.load(p), v) : f32x4.min(v128.load(p), v));
      }
      for (; c < inner; c++) {
        const p = dst + ((<usize>c) << 2);
        const v = load<f32>(row + ((<usize>c) << 2));
        store<f32>(p, isMax ? max<f32>(load<f32>(p), v) : min<f32>(load<f32>(p), v));
      }
    }
  }
}

/**
 * Softmax cross-entropy of each float32 row of `x` [rows, n] against int32 `labels`: the row's
 * maximum, log Σ exp(x − max) (float64) and loss = (max − x[label]) + logSum.
 */
export function cross_entropy_rows_f32(
  rows: i32,
  n: i32,
  x: usize,
  labels: usize,
  loss: usize,
  maxOut: usize,
  logSumOut: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>n) << 2);
    const mf = extreme(row, n, true);
    const m = <f64>mf;
    // e^(x − max) four at a time (vector-math.ts), summed in float64
    const m4 = f32x4.splat(mf);
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const e = exp4(f32x4.sub(v128.load(row + ((<usize>i) << 2)), m4));
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1)));
    }
    const s = f64x2.add(s0, s1);
    let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; i < n; i++) sum += <f64>exp1(load<f32>(row + ((<usize>i) << 2)) - mf);
    const logSum = Math.log(sum);
    const label = load<i32>(labels + ((<usize>r) << 2));
    store<f32>(maxOut + ((<usize>r) << 2), mf);
    store<f32>(logSumOut + ((<usize>r) << 2), <f32>logSum);
    store<f32>(loss + ((<usize>r) << 2), <f32>(m - <f64>load<f32>(row + ((<usize>label) << 2)) + logSum));
  }
}

/** grad [rows, n] = (exp((x − max) − logSum) − onehot(labels)) · scale, row by row. */
export function cross_entropy_grad_f32(
  rows: i32,
  n: i32,
  x: usize,
  labels: usize,
  maxIn: usize,
  logSumIn: usize,
  scale: usize,
  grad: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>n) << 2);
    const g = grad + ((<usize>r * <usize>n) << 2);
    // (x − max) − logSum, in that order: max + logSum would lose the log-sum next to logits of 1e30
    const m = load<f32>(maxIn + ((<usize>r) << 2));
    const l = load<f32>(logSumIn + ((<usize>r) << 2));
    const s = load<f32>(scale + ((<usize>r) << 2));
    const m4 = f32x4.splat(m);
    const l4 = f32x4.splat(l);
    const s4 = f32x4.splat(s);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const t = f32x4.sub(f32x4.sub(v128.load(row + ((<usize>i) << 2)), m4), l4);
      v128.store(g + ((<usize>i) << 2), f32x4.mul(exp4(t), s4));
    }
    for (; i < n; i++)
      store<f32>(g + ((<usize>i) << 2), exp1(load<f32>(row + ((<usize>i) << 2)) - m - l) * s);
    const at = g + ((<usize>load<i32>(labels + ((<usize>r) << 2))) << 2);
    store<f32>(at, <f32>(<f64>load<f32>(at) - <f64>s));
  }
}
