import { getBackend } from '../backend/registry.js';
import {
  allocTyped,
  assertDType,
  checkScalarFits,
  type DType,
  dtypeOfTyped,
  type TypedArray,
} from '../dtype.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { checkOptions, type OptionNames } from '../options.js';
import { type Generator, getGlobalGenerator } from '../random/generator.js';
import { checkShape, sizeOf } from '../shape/shape.js';
import { NDArray } from './ndarray.js';
import { type NestedArray, parseNested } from './nested.js';

/** Where and as what to create an array. */
export interface CreateOptions {
  /** Element type (default depends on the function; usually float32). */
  dtype?: DType;
  /** Registered backend name (default: the current default backend, `'cpu'` unless changed). */
  backend?: string;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Generator to draw from (default: the global one, see `seed`). */
  generator?: Generator;
}

const CREATE_OPTIONS: OptionNames<CreateOptions> = { dtype: true, backend: true };
const RANDOM_OPTIONS: OptionNames<RandomOptions> = { ...CREATE_OPTIONS, generator: true };
const FROM_ARRAY_OPTIONS: OptionNames<CreateOptions & { shape?: readonly number[] }> = {
  ...CREATE_OPTIONS,
  shape: true,
};

function resolve(
  op: string,
  options: CreateOptions | undefined,
  fallback: DType,
  valid: OptionNames<CreateOptions> = CREATE_OPTIONS,
) {
  checkOptions(op, options, valid);
  const dtype = options?.dtype ?? fallback;
  assertDType(op, dtype);
  return { dtype, backend: getBackend(options?.backend) };
}

function fromHost(
  op: string,
  values: TypedArray,
  shape: readonly number[],
  options: CreateOptions | undefined,
  fallback: DType,
  valid: OptionNames<CreateOptions> = CREATE_OPTIONS,
) {
  const { dtype, backend } = resolve(op, options, fallback, valid);
  const data =
    values.constructor === allocTyped(dtype, 0).constructor ? values : allocTyped(dtype, values.length);
  if (data !== values) {
    for (let i = 0; i < values.length; i++) data[i] = dtype === 'bool' ? (values[i] ? 1 : 0) : values[i]!;
  }
  return NDArray.fromStorage(backend.upload(dtype, data), shape, dtype);
}

/**
 * An array from nested JS arrays, a number, or a typed array (flat; pass `shape` to give it one).
 * Numbers default to float32, booleans to bool, typed arrays to their own dtype.
 *
 * @example
 * fromArray([[1, 2], [3, 4]]);                       // float32 [2, 2]
 * fromArray(new Uint8Array(784), { shape: [28, 28] }); // uint8 image
 * fromArray([3, 1], { dtype: 'int32' });              // labels
 */
export function fromArray(
  data: NestedArray | TypedArray | readonly number[],
  options?: CreateOptions & { shape?: readonly number[] },
): NDArray {
  checkOptions('fromArray', options, FROM_ARRAY_OPTIONS);
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const shape = checkShape('fromArray', options?.shape ?? [typed.length]);
    if (sizeOf(shape) !== typed.length) {
      throw new ShapeError(
        'fromArray',
        `shape ${fmtShape(shape)} holds ${sizeOf(shape)} elements but the typed array has ${typed.length}`,
      );
    }
    const dtype = options?.dtype ?? dtypeOfTyped(typed);
    if (dtype !== dtypeOfTyped(typed) && dtype !== 'bool') checkValues('fromArray', typed, dtype);
    return fromHost('fromArray', typed, shape, { ...options, dtype }, dtype, FROM_ARRAY_OPTIONS);
  }
  const { values, shape: parsed, isBool } = parseNested(data as NestedArray);
  const dtype = options?.dtype ?? (isBool && values.length > 0 ? 'bool' : 'float32');
  assertDType('fromArray', dtype);
  if (dtype !== 'float32') checkValues('fromArray', values, dtype);
  let shape = parsed;
  if (options?.shape) {
    shape = checkShape('fromArray', options.shape);
    if (sizeOf(shape) !== values.length) {
      throw new ShapeError(
        'fromArray',
        `shape ${fmtShape(shape)} holds ${sizeOf(shape)} elements but the data has ${values.length}`,
      );
    }
  }
  const typed = allocTyped(dtype, values.length);
  typed.set(values);
  return fromHost('fromArray', typed, shape, options, dtype, FROM_ARRAY_OPTIONS);
}

function checkValues(op: string, values: ArrayLike<number>, dtype: DType): void {
  for (let i = 0; i < values.length; i++) checkScalarFits(op, values[i]!, dtype);
}

/** A 0-d array holding one value. */
export function scalar(value: number | boolean, options?: CreateOptions): NDArray {
  checkOptions('scalar', options, CREATE_OPTIONS);
  return fromArray(value, { ...options, shape: [] });
}

/** An array of `shape` filled with `value` (float32 by default; bool for a boolean value). */
export function full(shape: readonly number[], value: number | boolean, options?: CreateOptions): NDArray {
  const dims = checkShape('full', shape);
  const { dtype, backend } = resolve('full', options, typeof value === 'boolean' ? 'bool' : 'float32');
  const v = Number(value);
  checkScalarFits('full', v, dtype);
  return NDArray.fromStorage(backend.fill(dtype, sizeOf(dims), v), dims, dtype);
}

/** Zeros (float32 by default). */
export function zeros(shape: readonly number[], options?: CreateOptions): NDArray {
  return full(shape, 0, options);
}

/** Ones (float32 by default). */
export function ones(shape: readonly number[], options?: CreateOptions): NDArray {
  return full(shape, 1, options);
}

/** Zeros with the shape, dtype and backend of `x` (each overridable). */
export function zerosLike(x: NDArray, options?: CreateOptions): NDArray {
  checkOptions('zerosLike', options, CREATE_OPTIONS);
  return full(x.shape, 0, { dtype: x.dtype, backend: x.backend.name, ...options });
}

/** Ones with the shape, dtype and backend of `x` (each overridable). */
export function onesLike(x: NDArray, options?: CreateOptions): NDArray {
  checkOptions('onesLike', options, CREATE_OPTIONS);
  return full(x.shape, 1, { dtype: x.dtype, backend: x.backend.name, ...options });
}

/**
 * Evenly spaced values in `[start, stop)`. `arange(5)` is `[0, 1, 2, 3, 4]`. int32 when every
 * argument is an integer, float32 otherwise (NumPy's rule).
 */
export function arange(start: number, stop?: number, step = 1, options?: CreateOptions): NDArray {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(step) || step === 0) {
    throw new ValueError(
      'arange',
      `start, stop and step must be finite with step ≠ 0, got (${lo}, ${hi}, ${step})`,
    );
  }
  const count = Math.max(0, Math.ceil((hi - lo) / step));
  const fallback = [lo, hi, step].every(Number.isInteger) ? 'int32' : 'float32';
  const { dtype } = resolve('arange', options, fallback);
  const values = allocTyped(dtype, count);
  for (let i = 0; i < count; i++) values[i] = lo + i * step;
  return fromHost('arange', values, [count], options, fallback);
}

/** `num` evenly spaced float32 values from `start` to `stop`, both included. */
export function linspace(start: number, stop: number, num: number, options?: CreateOptions): NDArray {
  if (!Number.isInteger(num) || num < 0)
    throw new ValueError('linspace', `num must be a non-negative integer, got ${num}`);
  const values = new Float32Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) values[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return fromHost('linspace', values, [num], options, 'float32');
}

/** An `n × m` matrix with ones on the diagonal (`m` defaults to `n`). */
export function eye(n: number, m = n, options?: CreateOptions): NDArray {
  const [rows, cols] = checkShape('eye', [n, m]) as [number, number];
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = 1;
  return fromHost('eye', values, [rows, cols], options, 'float32');
}

/** Uniform samples in `[0, 1)`, float32. */
export function rand(shape: readonly number[], options?: RandomOptions): NDArray {
  const dims = checkShape('rand', shape);
  checkOptions('rand', options, RANDOM_OPTIONS);
  const gen = options?.generator ?? getGlobalGenerator();
  const values = new Float32Array(sizeOf(dims));
  // 24 random bits are exactly representable in float32, so 1.0 can never come out of rounding
  for (let i = 0; i < values.length; i++) values[i] = (gen.nextUint32() >>> 8) * 2 ** -24;
  return fromHost('rand', values, dims, options, 'float32', RANDOM_OPTIONS);
}

/** Standard normal samples (mean 0, std 1), float32. */
export function randn(shape: readonly number[], options?: RandomOptions): NDArray {
  const dims = checkShape('randn', shape);
  checkOptions('randn', options, RANDOM_OPTIONS);
  const gen = options?.generator ?? getGlobalGenerator();
  const values = new Float32Array(sizeOf(dims));
  for (let i = 0; i < values.length; i++) values[i] = gen.nextNormal();
  return fromHost('randn', values, dims, options, 'float32', RANDOM_OPTIONS);
}

/** Uniform integers in `[low, high)`, int32. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options?: RandomOptions,
): NDArray {
  const dims = checkShape('randint', shape);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError('randint', `needs integers low < high, got [${low}, ${high})`);
  }
  checkOptions('randint', options, RANDOM_OPTIONS);
  const gen = options?.generator ?? getGlobalGenerator();
  const values = new Int32Array(sizeOf(dims));
  for (let i = 0; i < values.length; i++) values[i] = gen.nextInt(low, high);
  return fromHost('randint', values, dims, options, 'int32', RANDOM_OPTIONS);
}
