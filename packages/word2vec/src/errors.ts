import { MlBlocksError } from '@mlblocks/core-tensor';
import { DataFormatError } from '@mlblocks/datasets';

/**
 * A corpus word2vec cannot train on: no words at all, or a vocabulary that `minCount` empties.
 * The message names the corpus and says what it found (e.g. the most frequent word and its count).
 */
export class CorpusError extends MlBlocksError {}

/** A word that has no vector. `word` is the word asked for. */
export class UnknownWordError extends MlBlocksError {
  constructor(
    op: string,
    readonly word: string,
    vocabularySize: number,
  ) {
    super(op, `'${word}' is not in the vocabulary (${vocabularySize.toLocaleString('en-US')} words)`);
  }
}

/** Where in a file a format error was found: a 1-based line (text formats) or a byte offset (binary). */
export interface FormatPosition {
  line?: number;
  byteOffset?: number;
}

/**
 * A vector file that is not what its format promises: a bad header, a short row, a bad float, a
 * truncated binary file, a duplicate word. The message starts with the file and the position
 * (`vectors.txt:7:` or `vectors.bin@1234:`); `line` / `byteOffset` hold it too.
 */
export class VectorFormatError extends DataFormatError {
  readonly line: number | undefined;
  readonly byteOffset: number | undefined;

  constructor(op: string, source: string, position: FormatPosition, message: string) {
    const where =
      position.line !== undefined
        ? `${source}:${position.line}`
        : position.byteOffset !== undefined
          ? `${source}@${position.byteOffset}`
          : source;
    super(op, `${where}: ${message}`);
    this.line = position.line;
    this.byteOffset = position.byteOffset;
  }
}

/** A training thread that failed (the message carries the worker's error). */
export class Word2VecThreadError extends MlBlocksError {}
