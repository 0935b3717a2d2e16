import { DataFormatError } from '../errors.js';
import { type IdxArray, type IdxExpectation, isGzip, parseIdx } from './idx-format.js';

/**
 * Decompresses gzip bytes with the platform's `DecompressionStream` (browsers, Deno, Node ≥ 18).
 * Node code can use `@mlblocks/datasets/node`'s file readers, which use `node:zlib` instead.
 *
 * @throws {DataFormatError} when the stream is truncated or corrupt.
 */
export async function gunzip(bytes: Uint8Array, name = 'gzip data'): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new DataFormatError('gunzip', `${name}: this platform has no DecompressionStream; pass raw bytes`);
  }
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new DataFormatError('gunzip', `${name}: truncated or corrupt gzip stream (${String(error)})`);
  }
}

/**
 * Decodes an IDX file given as raw or gzip-compressed bytes (detected by the gzip magic number).
 *
 * @example
 * const bytes = new Uint8Array(await (await fetch('/data/t10k-labels-idx1-ubyte.gz')).arrayBuffer());
 * const labels = await decodeIdx(bytes, { dtype: 'uint8', shape: [-1] });
 */
export async function decodeIdx(bytes: Uint8Array, expect: IdxExpectation = {}): Promise<IdxArray> {
  const raw = isGzip(bytes) ? await gunzip(bytes, expect.name) : bytes;
  return parseIdx(raw, expect);
}
