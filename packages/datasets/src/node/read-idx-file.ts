import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFormatError, DataNotFoundError } from '../errors.js';
import { type IdxArray, type IdxExpectation, isGzip, parseIdx } from '../idx/idx-format.js';

/**
 * Reads and decodes an IDX file, raw or gzip-compressed (detected by content, not by name).
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
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DataNotFoundError('readIdxFile', `no file at ${path}`);
    }
    throw error;
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DataFormatError(
        'readIdxFile',
        `${path}: truncated or corrupt gzip data (${(error as Error).message}); delete the file and fetch it again`,
      );
    }
  }
  return parseIdx(bytes, { ...expect, name: expect.name ?? path });
}
