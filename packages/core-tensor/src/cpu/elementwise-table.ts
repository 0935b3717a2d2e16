import type { BinaryOp, UnaryOp } from '../backend/ops.js';

/**
 * The element-wise ops of the CPU backend as JavaScript expressions over `x` (unary) or `a`, `b`
 * (binary). `scripts/generate-cpu-kernels.ts` turns each entry into a tight typed-array loop in
 * `elementwise.gen.ts`, so adding an op is one line here — with no closure call per element.
 * `int32` gives a variant for int32 operands where plain double arithmetic would be wrong.
 */
export const UNARY_TABLE: Record<UnaryOp, { js: string; int32?: string }> = {
  neg: { js: '-x' },
  abs: { js: 'Math.abs(x)' },
  sign: { js: 'x > 0 ? 1 : x < 0 ? -1 : x' },
  exp: { js: 'Math.exp(x)' },
  log: { js: 'Math.log(x)' },
  sqrt: { js: 'Math.sqrt(x)' },
  // x*x of an int32 can exceed 2^53, where doubles lose the low bits that int32 wrapping keeps
  square: { js: 'x * x', int32: 'Math.imul(x, x)' },
  reciprocal: { js: '1 / x' },
  tanh: { js: 'Math.tanh(x)' },
  sigmoid: { js: '1 / (1 + Math.exp(-x))' },
  relu: { js: 'x > 0 || x !== x ? x : 0' },
  erf: { js: 'erf(x)' }, // from ./special.ts
  floor: { js: 'Math.floor(x)' },
  ceil: { js: 'Math.ceil(x)' },
  // round half to even, like NumPy and PyTorch (Math.round rounds half up)
  round: { js: 'Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)' },
  sin: { js: 'Math.sin(x)' },
  cos: { js: 'Math.cos(x)' },
  not: { js: 'x ? 0 : 1' },
};

export const BINARY_TABLE: Record<BinaryOp, { js: string; int32?: string }> = {
  add: { js: 'a + b' },
  sub: { js: 'a - b' },
  // a*b of two int32 can exceed 2^53, where doubles lose the low bits that int32 wrapping keeps
  mul: { js: 'a * b', int32: 'Math.imul(a, b)' },
  div: { js: 'a / b' },
  pow: { js: 'Math.pow(a, b)' },
  maximum: { js: 'Math.max(a, b)' },
  minimum: { js: 'Math.min(a, b)' },
  eq: { js: 'a === b ? 1 : 0' },
  ne: { js: 'a !== b ? 1 : 0' },
  lt: { js: 'a < b ? 1 : 0' },
  le: { js: 'a <= b ? 1 : 0' },
  gt: { js: 'a > b ? 1 : 0' },
  ge: { js: 'a >= b ? 1 : 0' },
  and: { js: 'a && b ? 1 : 0' },
  or: { js: 'a || b ? 1 : 0' },
};
