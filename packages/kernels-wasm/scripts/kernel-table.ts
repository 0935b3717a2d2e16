// The wasm backend's element-wise and reduction kernels, one row per op of core-tensor's op list.
// Each table is a Record over the ops that can reach wasm as float32 (ops that take bool only run
// on the CPU reference fallback with every other non-float32 dtype), so a new op in core-tensor is
// a compile error here until it has a row: a kernel, or 'cpu' to run it on the fallback.
// scripts/generate-kernels.ts turns the rows into AssemblyScript; op codes are each op's index in
// core-tensor's list, emitted as named constants (assembly/ops.gen.ts) and, beside the compiled
// bytes, as the table the host dispatches with (src/engine/wasm-binary.gen.ts).
import type { BINARY_OP_KINDS, BinaryOp, ReduceOp, UNARY_OP_KINDS, UnaryOp } from '@mlblocks/core-tensor';

/** The ops of a kind table whose dtypes include float32 (every kind but 'bool'). */
type Float32Ops<Kinds extends Record<string, string>> = {
  [K in keyof Kinds]: Kinds[K] extends 'bool' ? never : K;
}[keyof Kinds];

/** Unary ops that reach the wasm kernels (float32 inputs). */
export type WasmUnaryOp = Float32Ops<typeof UNARY_OP_KINDS> & UnaryOp;
/** Binary ops that reach the wasm kernels (float32 operands). */
export type WasmBinaryOp = Float32Ops<typeof BINARY_OP_KINDS> & BinaryOp;

/**
 * A float32 kernel: `scalar` is an f32 expression of `x` (binary: `a`, `b`; comparisons give a
 * bool), `simd` an optional v128 expression of `v` (binary: `va`, `vb`) for contiguous runs.
 * Transcendentals go through f64 Math, like the CPU reference, so results round the same way.
 */
export interface ElementwiseKernel {
  scalar: string;
  simd?: string;
}

/** A kernel, or 'cpu': the op runs on the CPU reference kernels (operands copied out and back). */
export type KernelRow = ElementwiseKernel | 'cpu';

export const UNARY_KERNELS: Record<WasmUnaryOp, KernelRow> = {
  neg: { scalar: '-x', simd: 'f32x4.neg(v)' },
  abs: { scalar: 'Mathf.abs(x)', simd: 'f32x4.abs(v)' },
  sign: { scalar: 'x > 0 ? <f32>1 : x < 0 ? <f32>-1 : x' },
  exp: { scalar: '<f32>Math.exp(<f64>x)' },
  log: { scalar: '<f32>Math.log(<f64>x)' },
  sqrt: { scalar: 'Mathf.sqrt(x)', simd: 'f32x4.sqrt(v)' },
  square: { scalar: 'x * x', simd: 'f32x4.mul(v, v)' },
  reciprocal: { scalar: '<f32>1 / x', simd: 'f32x4.div(f32x4.splat(1), v)' },
  tanh: { scalar: '<f32>Math.tanh(<f64>x)' },
  sigmoid: { scalar: '<f32>(1 / (1 + Math.exp(-<f64>x)))' },
  relu: { scalar: 'x > 0 || x != x ? x : <f32>0', simd: 'f32x4.max(v, f32x4.splat(0))' },
  erf: { scalar: '<f32>erf(<f64>x)' },
  floor: { scalar: 'Mathf.floor(x)', simd: 'f32x4.floor(v)' },
  ceil: { scalar: 'Mathf.ceil(x)', simd: 'f32x4.ceil(v)' },
  round: { scalar: 'nearest<f32>(x)', simd: 'f32x4.nearest(v)' },
  sin: { scalar: '<f32>Math.sin(<f64>x)' },
  cos: { scalar: '<f32>Math.cos(<f64>x)' },
};

export const BINARY_KERNELS: Record<WasmBinaryOp, KernelRow> = {
  add: { scalar: 'a + b', simd: 'f32x4.add(va, vb)' },
  sub: { scalar: 'a - b', simd: 'f32x4.sub(va, vb)' },
  mul: { scalar: 'a * b', simd: 'f32x4.mul(va, vb)' },
  div: { scalar: 'a / b', simd: 'f32x4.div(va, vb)' },
  pow: { scalar: '<f32>Math.pow(<f64>a, <f64>b)' },
  maximum: { scalar: 'max<f32>(a, b)', simd: 'f32x4.max(va, vb)' },
  minimum: { scalar: 'min<f32>(a, b)', simd: 'f32x4.min(va, vb)' },
  eq: { scalar: 'a == b' },
  ne: { scalar: 'a != b' },
  lt: { scalar: 'a < b' },
  le: { scalar: 'a <= b' },
  gt: { scalar: 'a > b' },
  ge: { scalar: 'a >= b' },
};

/**
 * Reductions are written by hand (assembly/reduce.ts, which dispatches on the REDUCE_* op-code
 * constants): 'wasm' where it implements the op for float32 rows, else 'cpu'.
 */
export const REDUCE_KERNELS: Record<ReduceOp, 'wasm' | 'cpu'> = {
  sum: 'wasm',
  prod: 'wasm',
  max: 'wasm',
  min: 'wasm',
  argmax: 'wasm',
  argmin: 'wasm',
};

/**
 * How an sgemm call's B operand is stored (assembly/window.ts): a strided matrix, or a matrix a
 * convolution's window descriptor describes and the packing gathers from the image. Emitted as
 * the B_* constants of assembly/ops.gen.ts; the host takes a kind's code from its index here.
 */
export const B_OPERAND_KINDS = ['strided', 'im2col', 'im2colT', 'dgrad'] as const;
