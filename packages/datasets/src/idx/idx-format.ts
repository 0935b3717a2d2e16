import { DataFormatError } from '../errors.js';

/**
 * The IDX file format (LeCun's MNIST format), decoded without copying uint8 payloads.
 *
 * Layout: two zero bytes, a dtype code, the number of dimensions `n`; then `n` big-endian uint32
 * sizes; then the elements, row-major and big-endian. Nothing may follow the last element.
 */

/** Element types an IDX file can hold, by their code in the third magic byte. */
export const IDX_DTYPES = {
  8: 'uint8',
  9: 'int8',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
} as const;

/** An IDX element type. */
export type IdxDType = (typeof IDX_DTYPES)[keyof typeof IDX_DTYPES];

/** The typed array that holds each IDX element type. */
export interface IdxTypedArrayFor {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** A decoded IDX file: its dtype, its shape and its elements in row-major order (host byte order). */
export interface IdxArray<D extends IdxDType = IdxDType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: IdxTypedArrayFor[D];
}

/** What the caller expects of a file; any mismatch is a `DataFormatError`. */
export interface IdxExpectation {
  /** Required element type, e.g. `'uint8'`. */
  dtype?: IdxDType;
  /** Required shape; `-1` accepts any size on that axis, e.g. `[-1, 28, 28]` for images. */
  shape?: readonly number[];
  /** Name used in error messages (a file name); default `'IDX data'`. */
  name?: string;
  /**
   * The largest file (header + elements, decompressed) accepted, in bytes: default 1 GiB
   * (`DEFAULT_MAX_IDX_BYTES`). A header declaring more is refused before anything is decompressed.
   */
  maxBytes?: number;
}

/** The default `maxBytes` of an IDX file: 1 GiB (EMNIST's largest file is about 550 MB). */
export const DEFAULT_MAX_IDX_BYTES = 2 ** 30;

/** What an IDX header declares (see `readIdxHeader`). */
export interface IdxHeader {
  readonly dtype: IdxDType;
  readonly shape: readonly number[];
  /** Bytes of the header: 4 + 4 · rank. */
  readonly headerBytes: number;
  /** Bytes of the whole file: header + elements. */
  readonly totalBytes: number;
}

const BYTES: Record<IdxDType, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };
const CODES: Record<IdxDType, number> = { uint8: 8, int8: 9, int16: 11, int32: 12, float32: 13, float64: 14 };

/** True when `bytes` start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes an uncompressed IDX file. Validates the magic number, dtype code, rank, sizes and that
 * the byte length is exactly header + elements; then checks `expect`. uint8 data is a view of
 * `bytes` (no copy); wider types are converted from big-endian into a new array.
 *
 * @throws {DataFormatError} on any mismatch, naming what was expected and what was found.
 *
 * @example
 * const labels = parseIdx(bytes, { dtype: 'uint8', shape: [-1], name: 'train-labels-idx1-ubyte' });
 * labels.shape; // [60000]
 */
export function parseIdx(bytes: Uint8Array, expect: IdxExpectation = {}): IdxArray {
  const name = expect.name ?? 'IDX data';
  if (isGzip(bytes)) {
    throw new DataFormatError(
      'parseIdx',
      `${name}: the bytes are gzip-compressed; decompress them first (gunzip / decodeIdx)`,
    );
  }
  const header = readIdxHeader(bytes, expect);
  if (header === null) {
    throw new DataFormatError(
      'parseIdx',
      bytes.length < 4
        ? `${name}: expected at least a 4-byte magic number, got ${bytes.length} bytes`
        : `${name}: truncated header: rank ${bytes[3]} needs ${4 + 4 * bytes[3]!} header bytes, got ${bytes.length}`,
    );
  }
  const { dtype, shape, headerBytes, totalBytes } = header;
  if (bytes.length !== totalBytes) {
    const what = bytes.length < totalBytes ? 'truncated' : 'trailing bytes';
    throw new DataFormatError(
      'parseIdx',
      `${name}: ${what}: shape [${shape}] of ${dtype} needs ${totalBytes - headerBytes} data bytes (${totalBytes} in all), got ${bytes.length - headerBytes} (${bytes.length} in all)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = (totalBytes - headerBytes) / BYTES[dtype];
  return { dtype, shape, data: readElements(view, headerBytes, count, dtype) } as IdxArray;
}

/**
 * Reads and checks the header at the start of an uncompressed IDX file — magic number, dtype code,
 * rank, sizes, `expect`'s dtype and shape, and the declared size against `expect.maxBytes` — from
 * its first bytes alone, so a stream can be refused (or its length known) before the rest is read.
 * Returns `null` while `bytes` are too few to hold the whole header.
 *
 * @throws {DataFormatError} on any mismatch, naming what was expected and what was found.
 *
 * @example
 * readIdxHeader(firstBytes, { dtype: 'uint8' })?.totalBytes; // 7,840,016 for MNIST's test images
 */
export function readIdxHeader(bytes: Uint8Array, expect: IdxExpectation = {}): IdxHeader | null {
  const name = expect.name ?? 'IDX data';
  const fail = (message: string): never => {
    throw new DataFormatError('parseIdx', `${name}: ${message}`);
  };
  if (bytes.length >= 2 && (bytes[0] !== 0 || bytes[1] !== 0)) {
    fail(`bad magic number 0x${hex(bytes, 0, 4)}: expected 0x0000 followed by a dtype code and a rank`);
  }
  if (bytes.length < 3) return null;
  const dtype = IDX_DTYPES[bytes[2]! as keyof typeof IDX_DTYPES];
  if (dtype === undefined) {
    fail(`unknown dtype code 0x${hex(bytes, 2, 3)}; expected one of 08 09 0b 0c 0d 0e`);
  }
  if (expect.dtype !== undefined && expect.dtype !== dtype) fail(`dtype ${dtype}, expected ${expect.dtype}`);
  if (bytes.length < 4) return null;
  const rank = bytes[3]!;
  if (rank === 0) fail('rank 0 in the magic number; expected at least one dimension');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) shape.push(view.getUint32(4 + 4 * axis, false));
  if (expect.shape !== undefined) {
    const want = expect.shape;
    if (want.length !== rank || !want.every((d, i) => d === -1 || d === shape[i])) {
      fail(`shape [${shape}], expected [${want.map((d) => (d === -1 ? '*' : d))}]`);
    }
  }
  const totalBytes = headerBytes + shape.reduce((a, b) => a * b, 1) * BYTES[dtype!];
  const maxBytes = expect.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  if (totalBytes > maxBytes) {
    fail(
      `shape [${shape}] of ${dtype} declares ${totalBytes} bytes, more than maxBytes ${maxBytes}; pass a larger maxBytes if the file is really that big`,
    );
  }
  return { dtype: dtype!, shape, headerBytes, totalBytes };
}

function readElements(view: DataView, offset: number, count: number, dtype: IdxDType) {
  const at = view.byteOffset + offset;
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, at, count);
    case 'int8':
      return new Int8Array(view.buffer, at, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Encodes an IDX file (the inverse of `parseIdx`): for writing test fixtures or exporting data.
 *
 * @example
 * const bytes = encodeIdx({ dtype: 'uint8', shape: [2], data: new Uint8Array([3, 7]) });
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { dtype, shape, data } = array;
  const code = CODES[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new DataFormatError(
      'encodeIdx',
      `shape [${shape}] holds ${count} elements, data has ${data.length}`,
    );
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * BYTES[dtype]);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  for (const [axis, size] of shape.entries()) view.setUint32(4 + 4 * axis, size, false);
  for (let i = 0; i < count; i++) {
    const v = data[i]!;
    const at = header + i * BYTES[dtype];
    if (dtype === 'uint8') view.setUint8(at, v);
    else if (dtype === 'int8') view.setInt8(at, v);
    else if (dtype === 'int16') view.setInt16(at, v, false);
    else if (dtype === 'int32') view.setInt32(at, v, false);
    else if (dtype === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

function hex(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, bytes.length); i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}
