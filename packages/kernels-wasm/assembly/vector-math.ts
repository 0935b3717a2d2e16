// exp, sigmoid and tanh on four float32 lanes at once, for the kernels whose time goes into
// transcendentals (the fused cross-entropy over a 10,000-word vocabulary, the recurrent cells).
// Cephes' single-precision algorithms: exp by n = round(x·log₂e), r = x − n·ln 2 in two parts, a
// degree-6 polynomial in r and 2ⁿ built in the exponent bits; tanh by its own odd polynomial below
// |x| = 0.625 (where 1 − 2/(e²ˣ + 1) would cancel) and through exp above. About 2 ulp of float32
// (the CPU rounds float64 libm results once); NaN propagates, exp(−∞) = 0 and exp(+∞) = +∞.

const LOG2E: f32 = <f32>Math.LOG2E;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
// below this exp is under the smallest normal float32: the result is 0
const EXP_MIN: f32 = -87.33654;
// above this 2ⁿ would leave the exponent range (exp(88.72…) is the float32 maximum): +∞
const EXP_MAX: f32 = 88.0;

/** e^x in each lane. */
export function exp4(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  // NaN lanes: n is NaN, truncates to 0, and the NaN of p goes through the scaling
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const e = f32x4.mul(p, scale);
  const low = f32x4.lt(x, f32x4.splat(EXP_MIN));
  const high = f32x4.gt(x, f32x4.splat(EXP_MAX));
  return v128.bitselect(f32x4.splat(Infinity), v128.andnot(e, low), high);
}

/** 1 / (1 + e^−x) in each lane. */
export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(x))));
}

/** tanh x in each lane. */
export function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  // |x| ≥ 0.625: 1 − 2 / (e^2|x| + 1), the sign put back
  const big = f32x4.sub(
    f32x4.splat(1),
    f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(a, a)), f32x4.splat(1))),
  );
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  // |x| < 0.625: x + x³·q(x²)
  const z = f32x4.mul(x, x);
  let q = f32x4.splat(-5.70498872745e-3);
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(2.06390887954e-2));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(-5.37397155531e-2));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(1.33314422036e-1));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(q, z), x), x);
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.625)));
}

/** The same functions on one float32 (lane 0), so a row's tail rounds like its body. */
export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}
