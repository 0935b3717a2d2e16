import { readFileSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { checkOptions } from '@mlblocks/core-tensor';
import { DataFormatError, DataNotFoundError } from '../errors.js';
import { type IdxArray, type IdxExpectation, isGzip, parseIdx, readIdxHeader } from '../idx/idx-format.js';

/**
 * Reads and decodes an IDX file, raw or gzip-compressed (detected by content, not by name).
 * A gzip file's IDX header is decompressed and checked first (against `expect`, and its declared
 * size against `expect.maxBytes`); the rest is then decompressed with the declared size as a hard
 * limit, so a corrupt or hostile file never costs more memory than its header admits to.
 *
 * @throws {DataNotFoundError} if the file does not exist.
 * @throws {DataFormatError} if it is corrupt, truncated, or not what `expect` describes.
 *
 * @example
 * const images = readIdxFile('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz', {
 *   dtype: 'uint8', shape: [-1, 28, 28],
 * });
 */
export function readIdxFile(path: string, expect: IdxExpectation = {}): IdxArray {
  checkOptions('readIdxFile', expect, { dtype: true, shape: true, name: true, maxBytes: true });
  const named = { ...expect, name: expect.name ?? path };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DataNotFoundError('readIdxFile', `no file at ${path}`);
    }
    throw error;
  }
  if (isGzip(bytes)) bytes = gunzipIdx(bytes, path, named);
  return parseIdx(bytes, named);
}

// Decompresses just enough for the header, checks it, then the whole file capped at its declared size.
function gunzipIdx(bytes: Uint8Array, path: string, expect: IdxExpectation): Uint8Array {
  const corrupt = (error: unknown) =>
    new DataFormatError(
      'readIdxFile',
      `${path}: truncated or corrupt gzip data (${(error as Error).message}); delete the file and fetch it again`,
    );
  let header: ReturnType<typeof readIdxHeader> = null;
  // NOTE: a prefix of k compressed bytes inflates to at most ~1,032·k bytes, and k grows only
  // until the header (≤ 1,024 bytes) is out, so this step is small whatever the file holds
  for (let k = 64; header === null; k *= 4) {
    const prefix = bytes.subarray(0, Math.min(k, bytes.length));
    let head: Uint8Array;
    try {
      head = gunzipSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw corrupt(error);
    }
    header = readIdxHeader(head, expect);
    if (header === null && prefix.length === bytes.length) return head; // parseIdx reports the short header
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: header.totalBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataFormatError(
        'parseIdx',
        `${path}: trailing bytes: the file decompresses to more than the ${header.totalBytes} bytes its header declares (shape [${header.shape}] of ${header.dtype})`,
      );
    }
    throw corrupt(error);
  }
}
