import { MlBlocksError } from '@mlblocks/core-tensor';

/**
 * Bytes or JSON that are not what the format promises: a bad IDX magic number, an unknown dtype
 * code, a truncated file, image and label files of different lengths, an invalid vocabulary file.
 * The message says what was expected and what was found; no partial data is ever returned.
 */
export class DataFormatError extends MlBlocksError {}

/** A data source that is not there (a missing file or folder); the message says where it looked. */
export class DataNotFoundError extends MlBlocksError {}

/**
 * A download that did not produce a verified file. `failures` lists every mirror tried and why it
 * failed (HTTP status, dropped connection after the allowed retries, checksum mismatch).
 */
export class DownloadError extends MlBlocksError {
  constructor(
    op: string,
    message: string,
    readonly failures: readonly { url: string; error: Error }[] = [],
  ) {
    super(op, message);
  }
}

/** Downloaded bytes whose SHA-256 differs from the expected one (the file is deleted, never kept). */
export class ChecksumError extends MlBlocksError {
  constructor(
    op: string,
    readonly expected: string,
    readonly actual: string,
    what: string,
  ) {
    super(op, `SHA-256 of ${what} is ${actual}, expected ${expected}; the file was deleted`);
  }
}
