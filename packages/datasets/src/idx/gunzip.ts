import { checkOptions } from '@mlblocks/core-tensor';
import { DataFormatError } from '../errors.js';
import {
  DEFAULT_MAX_IDX_BYTES,
  type IdxArray,
  type IdxExpectation,
  isGzip,
  parseIdx,
  readIdxHeader,
} from './idx-format.js';

/** Options of `gunzip`. */
export interface GunzipOptions {
  /** Refuse output beyond this many bytes (default 1 GiB): a small "gzip bomb" cannot exhaust memory. */
  maxBytes?: number;
}

/**
 * Decompresses gzip bytes with the platform's `DecompressionStream` (browsers, Deno, Node ≥ 18),
 * streaming, and stops as soon as the output would pass `maxBytes`. Node code can use
 * `@mlblocks/datasets/node`'s file readers, which use `node:zlib` instead.
 *
 * @throws {DataFormatError} when the stream is truncated or corrupt, or decompresses to more than `maxBytes`.
 *
 * @example
 * const raw = await gunzip(bytes, 'labels.gz', { maxBytes: 10_000_000 });
 */
export async function gunzip(
  bytes: Uint8Array,
  name = 'gzip data',
  options: GunzipOptions = {},
): Promise<Uint8Array> {
  checkOptions('gunzip', options, { maxBytes: true });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  const chunks: Uint8Array[] = [];
  let total = 0;
  await inflate(bytes, name, (chunk) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new DataFormatError('gunzip', `${name}: decompresses to more than maxBytes ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  });
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Decodes an IDX file given as raw or gzip-compressed bytes (detected by the gzip magic number).
 * A gzip stream is decompressed incrementally: its IDX header is checked as soon as it arrives
 * (against `expect`, and its declared size against `expect.maxBytes`), and decompression stops
 * the moment the output would pass the size the header declares — a corrupt or hostile file costs
 * at most that much memory, never what the compressed stream could expand to.
 *
 * @example
 * const bytes = new Uint8Array(await (await fetch('/data/t10k-labels-idx1-ubyte.gz')).arrayBuffer());
 * const labels = await decodeIdx(bytes, { dtype: 'uint8', shape: [-1] });
 */
export async function decodeIdx(bytes: Uint8Array, expect: IdxExpectation = {}): Promise<IdxArray> {
  checkOptions('decodeIdx', expect, { dtype: true, shape: true, name: true, maxBytes: true });
  if (!isGzip(bytes)) return parseIdx(bytes, expect);
  const name = expect.name ?? 'IDX data';
  let head: Uint8Array = new Uint8Array(0); // the bytes seen before the header was complete
  let out: Uint8Array | undefined; // sized by the header once it is known
  let written = 0;
  await inflate(bytes, name, (chunk) => {
    if (out === undefined) {
      head = concatBytes(head, chunk);
      const header = readIdxHeader(head, expect);
      if (header === null) return;
      out = new Uint8Array(header.totalBytes);
      chunk = head;
    }
    if (written + chunk.length > out.length) {
      throw new DataFormatError(
        'parseIdx',
        `${name}: trailing bytes: the stream decompresses to more than the ${out.length} bytes its header declares`,
      );
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  return parseIdx(out === undefined ? head : out.subarray(0, written), expect);
}

// Streams `bytes` through DecompressionStream('gzip'), handing each output chunk to `take`; a
// throw from `take` cancels the stream and propagates.
async function inflate(bytes: Uint8Array, name: string, take: (chunk: Uint8Array) => void): Promise<void> {
  if (typeof DecompressionStream === 'undefined') {
    throw new DataFormatError('gunzip', `${name}: this platform has no DecompressionStream; pass raw bytes`);
  }
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'))
    .getReader();
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch (error) {
      throw new DataFormatError('gunzip', `${name}: truncated or corrupt gzip stream (${String(error)})`);
    }
    if (next.done) return;
    try {
      take(next.value);
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      throw error;
    }
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
