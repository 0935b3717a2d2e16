// Element-wise kernels over strided views. The host collapses the axes first (merging every pair
// of axes all operands step through contiguously, dropping size-1 axes), so most calls are a single
// run; the outer axes, if any, are walked here with an odometer.
//
// `meta` (int32): shape[rank], then each operand's strides[rank] (elements), then rank counters.
// Pointers are byte addresses; the output is contiguous unless it is an operand with strides.
import { binaryRun, unaryRun } from './elementwise.gen';

// Steps the odometer over the outer axes; returns the axis that moved (-1 when done) and updates
// the per-operand element offsets kept at `offs` (int32 each).
function step(rank: i32, meta: usize, operands: i32, offs: usize): bool {
  const counters = meta + ((<usize>rank * (1 + operands)) << 2);
  for (let axis = rank - 2; axis >= 0; axis--) {
    const dim = load<i32>(meta + ((<usize>axis) << 2));
    const c = load<i32>(counters + ((<usize>axis) << 2)) + 1;
    if (c < dim) {
      store<i32>(counters + ((<usize>axis) << 2), c);
      for (let k = 0; k < operands; k++) {
        const s = load<i32>(meta + ((<usize>(rank * (1 + k) + axis)) << 2));
        store<i32>(offs + ((<usize>k) << 2), load<i32>(offs + ((<usize>k) << 2)) + s);
      }
      return true;
    }
    store<i32>(counters + ((<usize>axis) << 2), 0);
    for (let k = 0; k < operands; k++) {
      const s = load<i32>(meta + ((<usize>(rank * (1 + k) + axis)) << 2));
      store<i32>(offs + ((<usize>k) << 2), load<i32>(offs + ((<usize>k) << 2)) - s * (dim - 1));
    }
  }
  return false;
}

function reset(rank: i32, meta: usize, operands: i32, offs: usize): void {
  const counters = meta + ((<usize>rank * (1 + operands)) << 2);
  for (let axis = 0; axis < rank; axis++) store<i32>(counters + ((<usize>axis) << 2), 0);
  for (let k = 0; k < operands; k++) store<i32>(offs + ((<usize>k) << 2), 0);
}

function innerStride(rank: i32, meta: usize, k: i32): i32 {
  return load<i32>(meta + ((<usize>(rank * (1 + k) + rank - 1)) << 2));
}

function at(base: usize, offs: usize, k: i32, shift: i32): usize {
  return base + ((<usize>load<i32>(offs + ((<usize>k) << 2))) << shift);
}

/** out (contiguous float32) = op(x) over a strided float32 view. `offs` is 16 bytes of scratch. */
export function unary_f32(op: i32, rank: i32, meta: usize, offs: usize, x: usize, out: usize): void {
  const n = load<i32>(meta + ((<usize>(rank - 1)) << 2));
  const xs = innerStride(rank, meta, 0);
  reset(rank, meta, 1, offs);
  let o = out;
  do {
    unaryRun(op, at(x, offs, 0, 2), xs, o, n);
    o += (<usize>n) << 2;
  } while (step(rank, meta, 1, offs));
}

/** out (contiguous; float32, or bytes for comparisons) = op(a, b) over strided float32 views. */
export function binary_f32(
  op: i32,
  rank: i32,
  meta: usize,
  offs: usize,
  a: usize,
  b: usize,
  out: usize,
  outShift: i32,
): void {
  const n = load<i32>(meta + ((<usize>(rank - 1)) << 2));
  const as = innerStride(rank, meta, 0);
  const bs = innerStride(rank, meta, 1);
  reset(rank, meta, 2, offs);
  let o = out;
  do {
    binaryRun(op, at(a, offs, 0, 2), as, at(b, offs, 1, 2), bs, o, n);
    o += (<usize>n) << outShift;
  } while (step(rank, meta, 2, offs));
}

/** dst view = src view, for elements of 1 << shift bytes (any dtype; no conversion). */
export function move(shift: i32, rank: i32, meta: usize, offs: usize, dst: usize, src: usize): void {
  const n = load<i32>(meta + ((<usize>(rank - 1)) << 2));
  const ds = innerStride(rank, meta, 0);
  const ss = innerStride(rank, meta, 1);
  reset(rank, meta, 2, offs);
  do {
    const d = at(dst, offs, 0, shift);
    const s = at(src, offs, 1, shift);
    if (ds === 1 && ss === 1) memory.copy(d, s, (<usize>n) << shift);
    else if (ss === 0 && shift === 2) {
      const v = load<u32>(s);
      for (let i = 0; i < n; i++) store<u32>(d + ((<usize>(i * ds)) << 2), v);
    } else if (shift === 2) {
      for (let i = 0; i < n; i++)
        store<u32>(d + ((<usize>(i * ds)) << 2), load<u32>(s + ((<usize>(i * ss)) << 2)));
    } else if (shift === 0) {
      for (let i = 0; i < n; i++) store<u8>(d + <usize>(i * ds), load<u8>(s + <usize>(i * ss)));
    } else {
      for (let i = 0; i < n; i++)
        store<u64>(d + ((<usize>(i * ds)) << 3), load<u64>(s + ((<usize>(i * ss)) << 3)));
    }
  } while (step(rank, meta, 2, offs));
}

/** out (contiguous) = cond ? a : b, for a/b elements of 1 << shift bytes and a byte cond. */
export function where(
  shift: i32,
  rank: i32,
  meta: usize,
  offs: usize,
  c: usize,
  a: usize,
  b: usize,
  out: usize,
): void {
  const n = load<i32>(meta + ((<usize>(rank - 1)) << 2));
  const cs = innerStride(rank, meta, 0);
  const as = innerStride(rank, meta, 1);
  const bs = innerStride(rank, meta, 2);
  reset(rank, meta, 3, offs);
  let o = out;
  do {
    const c0 = at(c, offs, 0, 0);
    const a0 = at(a, offs, 1, shift);
    const b0 = at(b, offs, 2, shift);
    if (shift === 2 && cs === 1 && as <= 1 && bs <= 1) selectRun(c0, a0, as, b0, bs, o, n);
    else if (shift === 2) {
      for (let i = 0; i < n; i++) {
        const v = load<u8>(c0 + <usize>(i * cs))
          ? load<u32>(a0 + ((<usize>(i * as)) << 2))
          : load<u32>(b0 + ((<usize>(i * bs)) << 2));
        store<u32>(o + ((<usize>i) << 2), v);
      }
    } else if (shift === 0) {
      for (let i = 0; i < n; i++) {
        const v = load<u8>(c0 + <usize>(i * cs))
          ? load<u8>(a0 + <usize>(i * as))
          : load<u8>(b0 + <usize>(i * bs));
        store<u8>(o + <usize>i, v);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = load<u8>(c0 + <usize>(i * cs))
          ? load<u64>(a0 + ((<usize>(i * as)) << 3))
          : load<u64>(b0 + ((<usize>(i * bs)) << 3));
        store<u64>(o + ((<usize>i) << 3), v);
      }
    }
    o += (<usize>n) << shift;
  } while (step(rank, meta, 3, offs));
}

// where over a run with a contiguous byte condition and 4-byte operands that are contiguous or a
// broadcast scalar (stride 0) — ReLU's gradient, masking — four lanes at a time.
function selectRun(c0: usize, a0: usize, as: i32, b0: usize, bs: i32, o: usize, n: i32): void {
  const aSplat = i32x4.splat(load<i32>(a0));
  const bSplat = i32x4.splat(load<i32>(b0));
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const bytes = v128.load32_zero(c0 + <usize>i);
    const mask = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)), zero);
    const va = as ? v128.load(a0 + ((<usize>i) << 2)) : aSplat;
    const vb = bs ? v128.load(b0 + ((<usize>i) << 2)) : bSplat;
    v128.store(o + ((<usize>i) << 2), v128.bitselect(va, vb, mask));
  }
  for (; i < n; i++) {
    const v = load<u8>(c0 + <usize>i)
      ? load<u32>(a0 + ((<usize>(i * as)) << 2))
      : load<u32>(b0 + ((<usize>(i * bs)) << 2));
    store<u32>(o + ((<usize>i) << 2), v);
  }
}

/**
 * out (contiguous float32) = src (contiguous) converted exactly: bytes (bool, uint8) when
 * `fromShift` is 0, int32 when it is 2 (int32 beyond 2^24 rounds to nearest, as in JavaScript).
 */
export function to_f32(fromShift: i32, n: i32, src: usize, out: usize): void {
  let i = 0;
  if (fromShift === 0) {
    for (; i + 4 <= n; i += 4) {
      const bytes = v128.load32_zero(src + <usize>i);
      const ints = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes));
      v128.store(out + ((<usize>i) << 2), f32x4.convert_i32x4_u(ints));
    }
    for (; i < n; i++) store<f32>(out + ((<usize>i) << 2), <f32>load<u8>(src + <usize>i));
  } else {
    for (; i + 4 <= n; i += 4) {
      const ints = v128.load(src + ((<usize>i) << 2));
      v128.store(out + ((<usize>i) << 2), f32x4.convert_i32x4_s(ints));
    }
    for (; i < n; i++) store<f32>(out + ((<usize>i) << 2), <f32>load<i32>(src + ((<usize>i) << 2)));
  }
}
