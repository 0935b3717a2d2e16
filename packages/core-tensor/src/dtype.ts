import { DTypeError } from './errors.js';

/**
 * Element types. `bool` is stored one byte per element (0 or 1) and is what comparisons return;
 * `uint8` is for images; `int32` for labels and indices; `float32` for everything learned;
 * `float64` for reference computations such as finite-difference gradient checks (the CPU backend
 * supports it; GPU backends may not); `float16` (IEEE binary16) halves the memory of an array where
 * a GPU backend stores it natively (WebGPU with `shader-f16`; the WebAssembly backend refuses it).
 * On the host a float16 array reads and writes as a Float32Array of values that binary16 holds
 * exactly (JavaScript has no Float16Array in Node 20); the CPU backend computes like float32 and
 * rounds every result to binary16.
 */
export type DType = 'float64' | 'float32' | 'float16' | 'int32' | 'uint8' | 'bool';

/** The typed array that stores each dtype. */
export interface TypedArrayFor {
  float64: Float64Array;
  float32: Float32Array;
  /** Values exactly representable in binary16, one per element. */
  float16: Float32Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Any typed array an NDArray can be stored in. */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** Every dtype, in promotion order. */
export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'float16', 'float32', 'float64'];

/** Bytes per element. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'float16' ? 2 : 1;
}

/** Allocates a zero-filled typed array for `dtype`. */
export function allocTyped(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float64':
      return new Float64Array(size);
    case 'float32':
    case 'float16':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    default:
      return new Uint8Array(size);
  }
}

/** The dtype a typed array naturally stores (Uint8Array → uint8). */
export function dtypeOfTyped(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** True for the dtypes that hold whole numbers. */
export function isIntegral(dtype: DType): boolean {
  return dtype !== 'float16' && dtype !== 'float32' && dtype !== 'float64';
}

/** Checks a string names a dtype. */
export function assertDType(op: string, dtype: unknown): asserts dtype is DType {
  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new DTypeError(op, `unknown dtype ${JSON.stringify(dtype)}; valid dtypes are ${DTYPES.join(', ')}`);
  }
}

// Lossless conversions: a value of the key dtype is represented exactly by each listed dtype.
// int32 → float32 is deliberately missing: integers above 2^24 would be rounded.
// uint8 → float16 is exact (binary16 holds every integer up to 2048).
const LOSSLESS: Record<DType, readonly DType[]> = {
  bool: ['bool', 'uint8', 'int32', 'float16', 'float32', 'float64'],
  uint8: ['uint8', 'int32', 'float16', 'float32', 'float64'],
  int32: ['int32', 'float64'],
  float16: ['float16', 'float32', 'float64'],
  float32: ['float32', 'float64'],
  float64: ['float64'],
};

/** True when every value of `from` is exactly representable in `to`. */
export function canCastLosslessly(from: DType, to: DType): boolean {
  return LOSSLESS[from].includes(to);
}

/**
 * The dtype two operands are computed in: the smaller one is widened when that is lossless.
 * Otherwise (int32 with float32) it throws and asks for an explicit `.cast()`.
 */
export function promoteTypes(op: string, a: DType, b: DType): DType {
  if (a === b) return a;
  if (canCastLosslessly(a, b)) return b;
  if (canCastLosslessly(b, a)) return a;
  throw new DTypeError(
    op,
    `cannot mix ${a} and ${b} without a cast: converting ${a === 'int32' ? a : b} to float32 would round values above 2^24; ` +
      `call .cast('float32') (or .cast('int32')) on one operand first`,
  );
}

/**
 * The dtype an op that only makes sense on real numbers (exp, div, mean, …) computes in:
 * float64 and float16 stay as they are; otherwise float32, reached losslessly from bool/uint8
 * (int32 needs an explicit cast).
 */
export function floatResultType(op: string, dtype: DType): 'float16' | 'float32' | 'float64' {
  if (dtype === 'float64' || dtype === 'float16') return dtype;
  if (canCastLosslessly(dtype, 'float32')) return 'float32';
  throw new DTypeError(
    op,
    `needs floating-point input but got ${dtype}; int32 → float32 rounds values above 2^24, so cast explicitly with .cast('float32')`,
  );
}

/**
 * Checks that a JavaScript number used as an operand fits `dtype` exactly
 * (a scalar takes the dtype of the array it meets, like PyTorch's "weak" scalars).
 */
export function checkScalarFits(op: string, value: number, dtype: DType): void {
  if (!isIntegral(dtype) || Number.isNaN(value)) {
    if (isIntegral(dtype)) throw new DTypeError(op, `NaN cannot be stored in ${dtype}`);
    return;
  }
  const [lo, hi] = dtype === 'int32' ? [-2147483648, 2147483647] : dtype === 'uint8' ? [0, 255] : [0, 1];
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new DTypeError(
      op,
      `scalar ${value} does not fit the ${dtype} operand (valid: integers in [${lo}, ${hi}]); cast the array to float32 first`,
    );
  }
}
