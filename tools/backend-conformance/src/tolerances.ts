import type { BinaryOp, ReduceOp, UnaryOp } from '@mlblocks/core-tensor';

/**
 * How closely a backend must match the CPU reference, by the kind of arithmetic a result comes
 * from. Each is a relative tolerance with the same absolute floor: |Δ| ≤ tol·(1 + |cpu|); NaN
 * matches NaN. The defaults are what a backend computing like the CPU reaches (the CPU computes
 * float32 ops in float64 and rounds once, so + − × ÷ √ are exact); a backend whose hardware rounds
 * differently (WGSL's division and builtins) declares looser ones in its conformance options.
 */
export type ToleranceClass = 'exact' | 'arithmetic' | 'transcendental' | 'accumulation' | 'dot';

export const DEFAULT_TOLERANCES: Readonly<Record<ToleranceClass, number>> = {
  /** data movement, casts, comparisons, selections, integer ops, sign/abs/floor/… */
  exact: 0,
  /** + − × ÷, reciprocal, square root on floats */
  arithmetic: 0,
  /** exp, log, tanh, sigmoid, erf, sin, cos, pow: another libm may differ in the last bits */
  transcendental: 1e-6,
  /** sums, products and softmax: another order of summation */
  accumulation: 1e-6,
  /** matrix products: K-long float32 dot products */
  dot: 1e-4,
};

/**
 * The tolerance class of element-wise ops on floats where it is not the default: ops of kind
 * `float` (exp, log, tanh, …, and any new one) are `transcendental`, the others `exact`; integer
 * and bool results are always exact.
 */
export const UNARY_TOLERANCE: Partial<Record<UnaryOp, ToleranceClass>> = {
  sqrt: 'arithmetic',
  reciprocal: 'arithmetic',
};

export const BINARY_TOLERANCE: Partial<Record<BinaryOp, ToleranceClass>> = {
  add: 'arithmetic',
  sub: 'arithmetic',
  mul: 'arithmetic',
  div: 'arithmetic',
  pow: 'transcendental',
};

export const REDUCE_TOLERANCE: Partial<Record<ReduceOp, ToleranceClass>> = {
  sum: 'accumulation',
  prod: 'accumulation',
};
