import { type DType, fromArray, type NDArray, ShapeError, sizeOf, ValueError } from '@mlblocks/core-tensor';

/**
 * A state array in a state dict: dtype, shape and the elements in row-major order, either as a
 * base64 string of their little-endian bytes (what `stateDict()` writes: exact, compact, and it keeps
 * NaN and ±Infinity, which JSON numbers cannot) or as plain JS numbers (accepted on load).
 */
export interface SerializedArray {
  dtype: 'float32' | 'float64';
  shape: number[];
  data: string | number[];
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Standard base64 (with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    out += ALPHABET[a >> 2]! + ALPHABET[((a & 3) << 4) | (b >> 4)]!;
    out += i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[c & 63]! : '=';
  }
  return out;
}

/** Decodes standard base64; `null` when `text` is not valid base64. */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let j = 0;
  for (let i = 0; i < text.length; i += 4) {
    const quad = [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) {
      const ch = text[i + k]!;
      const isPad = ch === '=' && i + 4 === text.length && k >= 4 - padding;
      const v = isPad ? 0 : LOOKUP.get(ch);
      if (v === undefined) return null;
      quad[k] = v;
    }
    const n = (quad[0]! << 18) | (quad[1]! << 12) | (quad[2]! << 6) | quad[3]!;
    if (j < bytes.length) bytes[j++] = (n >> 16) & 255;
    if (j < bytes.length) bytes[j++] = (n >> 8) & 255;
    if (j < bytes.length) bytes[j++] = n & 255;
  }
  return bytes;
}

/** Copies `values` (already read back) into a serialized array. */
export function serializeValues(
  dtype: 'float32' | 'float64',
  shape: readonly number[],
  values: ArrayLike<number>,
): SerializedArray {
  const width = dtype === 'float32' ? 4 : 8;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (width === 4) view.setFloat32(i * 4, values[i]!, true);
    else view.setFloat64(i * 8, values[i]!, true);
  }
  return { dtype, shape: [...shape], data: toBase64(bytes) };
}

/** A float array's dtype as the serialized union, or a ValueError for anything else. */
export function floatDType(where: string, dtype: DType): 'float32' | 'float64' {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new ValueError('stateDict', `${where}: state arrays must be float32 or float64, got ${dtype}`);
}

/** Serializes an array, reading it back synchronously (CPU and wasm backends). */
export function serializeArray(where: string, array: NDArray): SerializedArray {
  return serializeValues(floatDType(where, array.dtype), array.shape, array.dataSync() as ArrayLike<number>);
}

/** Serializes an array on any backend (awaits the readback). */
export async function serializeArrayAsync(where: string, array: NDArray): Promise<SerializedArray> {
  return serializeValues(
    floatDType(where, array.dtype),
    array.shape,
    (await array.data()) as ArrayLike<number>,
  );
}

/**
 * Checks a serialized array against the expected dtype and shape and decodes its elements.
 * `where` names the entry in error messages, e.g. `state of parameter 3 (group 0), buffer 'expAvg'`.
 */
export function decodeArray(
  op: string,
  where: string,
  value: unknown,
  expected: { dtype: DType; shape: readonly number[] },
): Float32Array | Float64Array {
  if (typeof value !== 'object' || value === null) {
    throw new ValueError(op, `${where}: expected { dtype, shape, data }, got ${describe(value)}`);
  }
  const { dtype, shape, data } = value as Partial<SerializedArray>;
  if (dtype !== expected.dtype) {
    throw new ValueError(
      op,
      `${where}: dtype ${String(dtype)} does not match the parameter's ${expected.dtype}`,
    );
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(op, `${where}: shape must be an array of non-negative integers`);
  }
  if (shape.length !== expected.shape.length || shape.some((d, i) => d !== expected.shape[i])) {
    throw new ShapeError(
      op,
      `${where}: shape [${shape.join(',')}] does not match the parameter's shape [${expected.shape.join(',')}]`,
    );
  }
  const size = sizeOf(shape);
  const out = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  if (typeof data === 'string') {
    const bytes = fromBase64(data);
    if (bytes === null) throw new ValueError(op, `${where}: data is not valid base64`);
    if (bytes.length !== size * out.BYTES_PER_ELEMENT) {
      throw new ShapeError(
        op,
        `${where}: data holds ${bytes.length} bytes but shape [${shape.join(',')}] of ${dtype} needs ${size * out.BYTES_PER_ELEMENT}`,
      );
    }
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < size; i++) {
      out[i] = dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
    }
  } else if (Array.isArray(data)) {
    if (data.length !== size) {
      throw new ShapeError(
        op,
        `${where}: data holds ${data.length} numbers but shape [${shape.join(',')}] needs ${size}`,
      );
    }
    for (let i = 0; i < size; i++) {
      if (typeof data[i] !== 'number') throw new ValueError(op, `${where}: data[${i}] is not a number`);
      out[i] = data[i]!;
    }
  } else {
    throw new ValueError(op, `${where}: data must be a base64 string or an array of numbers`);
  }
  return out;
}

/** Uploads decoded elements as an array shaped like `like`, on its backend. */
export function uploadLike(values: Float32Array | Float64Array, like: NDArray): NDArray {
  return fromArray(values, { shape: like.shape, dtype: like.dtype, backend: like.backend.name });
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
