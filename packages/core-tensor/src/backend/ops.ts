import type { DType } from '../dtype.js';

/**
 * The op list: every element-wise and reduction primitive of the `Backend` contract, with the
 * dtypes it takes. Each backend keeps a `Record<op, …>` of its kernels keyed by these names, so a
 * new row here is a compile error in every backend until it implements the op (or says it runs
 * elsewhere), and the shared conformance suite tests it on every backend from this list alone.
 */

/**
 * Which dtypes an op takes, as the NDArray layer hands them to a backend:
 * - `numeric`: every dtype but bool;
 * - `float`: float16, float32 and float64 (the NDArray layer converts integer inputs to float32 first);
 * - `bool`: bool only;
 * - `any`: every dtype.
 */
export type OpKind = 'numeric' | 'float' | 'bool' | 'any';

/** The element-wise unary primitives and the dtypes each takes; the output has the input's dtype. */
export const UNARY_OP_KINDS = {
  neg: 'numeric',
  abs: 'numeric',
  sign: 'numeric',
  exp: 'float',
  log: 'float',
  sqrt: 'float',
  square: 'numeric',
  reciprocal: 'float',
  tanh: 'float',
  sigmoid: 'float',
  relu: 'numeric',
  erf: 'float',
  floor: 'numeric',
  ceil: 'numeric',
  round: 'numeric',
  sin: 'float',
  cos: 'float',
  not: 'bool',
} as const satisfies Record<string, OpKind>;
/** One of {@link UNARY_OPS}. */
export type UnaryOp = keyof typeof UNARY_OP_KINDS;
/** The element-wise unary primitives (float-only ones are documented on the NDArray methods). */
export const UNARY_OPS = Object.keys(UNARY_OP_KINDS) as readonly UnaryOp[];

/** The element-wise binary primitives and the dtypes each takes (both operands share one dtype). */
export const BINARY_OP_KINDS = {
  add: 'numeric',
  sub: 'numeric',
  mul: 'numeric',
  div: 'float',
  pow: 'numeric',
  maximum: 'numeric',
  minimum: 'numeric',
  eq: 'any',
  ne: 'any',
  lt: 'any',
  le: 'any',
  gt: 'any',
  ge: 'any',
  and: 'bool',
  or: 'bool',
} as const satisfies Record<string, OpKind>;
/** One of {@link BINARY_OPS}. */
export type BinaryOp = keyof typeof BINARY_OP_KINDS;
/** The element-wise binary primitives; the comparisons return bool. */
export const BINARY_OPS = Object.keys(BINARY_OP_KINDS) as readonly BinaryOp[];

/** Binary ops whose result is bool whatever their operands. */
export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * The reduction primitives and the dtypes each takes. The NDArray layer sums bool/uint8 in int32
 * and refuses bool for max/min/argmax/argmin, but a backend must reduce every numeric dtype.
 */
export const REDUCE_OP_KINDS = {
  sum: 'numeric',
  prod: 'numeric',
  max: 'numeric',
  min: 'numeric',
  argmax: 'numeric',
  argmin: 'numeric',
} as const satisfies Record<string, OpKind>;
/** One of {@link REDUCE_OPS}. */
export type ReduceOp = keyof typeof REDUCE_OP_KINDS;
/** The reduction primitives. */
export const REDUCE_OPS = Object.keys(REDUCE_OP_KINDS) as readonly ReduceOp[];

const KIND_DTYPES: Record<OpKind, readonly DType[]> = {
  numeric: ['uint8', 'int32', 'float16', 'float32', 'float64'],
  float: ['float16', 'float32', 'float64'],
  bool: ['bool'],
  any: ['bool', 'uint8', 'int32', 'float16', 'float32', 'float64'],
};

/** The dtypes a backend receives for an op of `kind`. */
export function dtypesOfKind(kind: OpKind): readonly DType[] {
  return KIND_DTYPES[kind];
}

/** The dtype of a binary primitive's result on operands of `dtype`: bool for comparisons. */
export function binaryResultDType(op: BinaryOp, dtype: DType): DType {
  return COMPARISON_OPS.has(op) ? 'bool' : dtype;
}

/** The dtype of a reduction's result on `dtype`: int32 indices for argmax/argmin. */
export function reduceResultDType(op: ReduceOp, dtype: DType): DType {
  return op === 'argmax' || op === 'argmin' ? 'int32' : dtype;
}

/**
 * The activations a matrix product's fused epilogue applies after adding the bias (`none`: the
 * bias alone). Their gradients are taken from the activation's output, so the pre-activation
 * never has to be kept.
 */
export const FUSED_ACTIVATIONS = ['none', 'relu', 'tanh', 'sigmoid'] as const;
/** One of {@link FUSED_ACTIVATIONS}. */
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];
