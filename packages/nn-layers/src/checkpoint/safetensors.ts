import {
  checkOptions,
  type DType,
  fromArray,
  fromFloat16Bits,
  type NDArray,
  type TypedArray,
  toFloat16Bits,
} from '@mlblocks/core-tensor';
import { CheckpointFormatError } from '../errors.js';

/**
 * The safetensors format (what PyTorch and Hugging Face exchange weights in):
 *
 *   [8 bytes: header length N, little-endian u64] [N bytes: JSON header, space-padded] [data]
 *
 * The header maps each name to `{ dtype, shape, data_offsets: [begin, end] }` (byte offsets into
 * the data, which they must tile exactly, with no gaps or overlaps) plus an optional
 * `__metadata__` map of strings. Everything is validated before any array is created, so a
 * corrupt or truncated file is rejected whole.
 */

const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/** The most elements a tensor may declare (2³², a typed array's limit), zero-sized axes left out. */
const MAX_ELEMENTS = 2 ** 32;

// How each safetensors dtype is stored and what it becomes here (F16 and BF16 files load as
// float32, what layers train in; float16 arrays are written as F16).
const WRITE_CODES: Record<DType, string> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  int32: 'I32',
  uint8: 'U8',
  bool: 'BOOL',
};
const ELEMENT_BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  U8: 1,
  BOOL: 1,
};

/** Tensors and metadata read from a file. */
export interface SafetensorsContent {
  tensors: Map<string, NDArray>;
  metadata: Record<string, string>;
}

/** Serialises named arrays (name order is sorted) and optional string metadata. */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, NDArray>,
  metadata: Record<string, string> = {},
): Uint8Array {
  assertLittleEndian();
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const array = tensors.get(name)!;
    const data = array.dataSync();
    // float16 is held as float32 values on the host: the file gets their binary16 bits
    const values = array.dtype === 'float16' ? Uint16Array.from(data, toFloat16Bits) : data;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    header[name] = {
      dtype: WRITE_CODES[array.dtype],
      shape: [...array.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8); // align the data to 8 bytes
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Parses and validates a safetensors file. F32/F64/I32/U8/BOOL load as-is; F16 and BF16 widen
 * to float32 and I64 narrows to int32 (refused if a value does not fit).
 */
export function deserializeSafetensors(
  bytes: Uint8Array,
  options: { backend?: string } = {},
): SafetensorsContent {
  checkOptions('deserializeSafetensors', options, { backend: true });
  assertLittleEndian();
  const fail = (why: string) => new CheckpointFormatError('loadSafetensors', why);
  if (bytes.length < 8)
    throw fail(`file is ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    throw fail(
      `header length ${headerLength} does not fit in a ${bytes.length}-byte file (truncated or not safetensors)`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (error) {
    throw fail(`header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw fail('header must be a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const metadata = validateMetadata(header.__metadata__, fail);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, info]) => validateEntry(name, info, fail));
  // the data must be tiled exactly: sorted by offset, each entry starts where the previous ended
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin !== expected)
      throw fail(
        `tensor '${e.name}' starts at byte ${e.begin}, expected ${expected} (gap or overlap in the data)`,
      );
    expected = e.end;
  }
  if (expected !== data.length)
    throw fail(`tensors cover ${expected} bytes but the data section has ${data.length}`);
  const tensors = new Map<string, NDArray>();
  for (const e of entries) {
    const values = decode(e, data.slice(e.begin, e.end), fail);
    tensors.set(
      e.name,
      fromArray(values.array, { shape: e.shape, dtype: values.dtype, backend: options.backend }),
    );
  }
  return { tensors, metadata };
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function validateEntry(name: string, info: unknown, fail: (why: string) => Error): Entry {
  const o = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof o !== 'object' || o === null) throw fail(`entry '${name}' is not an object`);
  if (typeof o.dtype !== 'string' || !(o.dtype in ELEMENT_BYTES)) {
    throw fail(
      `tensor '${name}' has unsupported dtype ${JSON.stringify(o.dtype)}; supported: ${Object.keys(ELEMENT_BYTES).join(', ')}`,
    );
  }
  if (!Array.isArray(o.shape) || !o.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(
      `tensor '${name}' has an invalid shape ${JSON.stringify(o.shape)}; sizes must be non-negative integers`,
    );
  }
  // an empty tensor still needs sizes an array could have: [0, 1e300] or [2^60, 0] are corrupt headers
  const nonZero = (o.shape as number[]).reduce((n, d) => (d === 0 ? n : n * d), 1);
  if (nonZero > MAX_ELEMENTS) {
    throw fail(
      `tensor '${name}' has shape ${JSON.stringify(o.shape)}, whose non-zero sizes multiply to more than ${MAX_ELEMENTS} elements (the largest typed array)`,
    );
  }
  const offsets = o.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((v) => Number.isInteger(v) && v >= 0) ||
    offsets[1] < offsets[0]
  ) {
    throw fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const count = (o.shape as number[]).reduce((a, b) => a * b, 1);
  if (offsets[1] - offsets[0] !== count * ELEMENT_BYTES[o.dtype]!) {
    throw fail(
      `tensor '${name}': ${o.dtype} [${o.shape}] needs ${count * ELEMENT_BYTES[o.dtype]!} bytes but data_offsets span ${offsets[1] - offsets[0]}`,
    );
  }
  return { name, dtype: o.dtype, shape: o.shape as number[], begin: offsets[0], end: offsets[1] };
}

function validateMetadata(value: unknown, fail: (why: string) => Error): Record<string, string> {
  if (value === undefined) return {};
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw fail('__metadata__ must map strings to strings');
  }
  return value as Record<string, string>;
}

function decode(
  e: Entry,
  raw: Uint8Array,
  fail: (why: string) => Error,
): { array: TypedArray; dtype: DType } {
  const buffer = raw.buffer;
  switch (e.dtype) {
    case 'F64':
      return { array: new Float64Array(buffer), dtype: 'float64' };
    case 'F32':
      return { array: new Float32Array(buffer), dtype: 'float32' };
    case 'I32':
      return { array: new Int32Array(buffer), dtype: 'int32' };
    case 'U8':
      return { array: new Uint8Array(buffer), dtype: 'uint8' };
    case 'BOOL':
      return { array: Uint8Array.from(new Uint8Array(buffer), (v) => (v ? 1 : 0)), dtype: 'bool' };
    case 'F16':
      return { array: Float32Array.from(new Uint16Array(buffer), fromFloat16Bits), dtype: 'float32' };
    case 'BF16':
      return {
        array: Float32Array.from(
          new Uint16Array(buffer),
          (h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]!,
        ),
        dtype: 'float32',
      };
    default: {
      const wide = new BigInt64Array(buffer);
      const out = new Int32Array(wide.length);
      for (let i = 0; i < wide.length; i++) {
        const v = wide[i]!;
        if (v > 2147483647n || v < -2147483648n)
          throw fail(`tensor '${e.name}' (I64) holds ${v}, which does not fit int32`);
        out[i] = Number(v);
      }
      return { array: out, dtype: 'int32' };
    }
  }
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new CheckpointFormatError(
      'safetensors',
      'this platform is big-endian; safetensors data is little-endian',
    );
  }
}
