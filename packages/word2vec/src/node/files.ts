import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DataNotFoundError } from '@mlblocks/datasets';
import { writeFileAtomic } from '@mlblocks/nn-layers/node';
import { projectorTsv } from '../formats/projector.js';
import {
  looksBinary,
  parseWord2VecBinary,
  parseWord2VecText,
  serializeWord2VecBinary,
  serializeWord2VecText,
  type Word2VecStyle,
} from '../formats/word2vec-format.js';
import type { KeyedVectors } from '../model/keyed-vectors.js';

const encoder = new TextEncoder();

/** Options of `saveWord2Vec`. */
export interface SaveWord2VecOptions {
  /** Binary format (default: when the path ends in `.bin`). */
  binary?: boolean;
  /** Write like gensim (default) or like the C tool. */
  style?: Word2VecStyle;
}

/**
 * Writes vectors in the word2vec text or binary format, atomically (a temporary file renamed into
 * place, so a crash never leaves half a file under the real name).
 *
 * @example
 * await saveWord2Vec(vectors, 'out/vectors.bin');
 */
export async function saveWord2Vec(
  vectors: KeyedVectors,
  path: string,
  options: SaveWord2VecOptions = {},
): Promise<void> {
  const binary = options.binary ?? path.endsWith('.bin');
  const bytes = binary
    ? serializeWord2VecBinary(vectors, { style: options.style })
    : encoder.encode(serializeWord2VecText(vectors, { style: options.style }));
  await writeFileAtomic(path, bytes);
}

/**
 * Reads a word2vec file, text or binary (told apart by its bytes unless `binary` says).
 *
 * @throws {DataNotFoundError} if there is no file; {VectorFormatError} naming the line or byte offset of a problem.
 */
export async function loadWord2Vec(path: string, options: { binary?: boolean } = {}): Promise<KeyedVectors> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DataNotFoundError('loadWord2Vec', `no file at ${path}`);
    throw error;
  }
  const binary = options.binary ?? looksBinary(bytes);
  return binary ? parseWord2VecBinary(bytes, basename(path)) : parseWord2VecText(bytes, basename(path));
}

/** Writes `vectors.tsv` and `metadata.tsv` for the Embedding Projector into `dir` (atomically each); returns their paths. */
export async function saveProjectorTsv(
  vectors: KeyedVectors,
  dir: string,
): Promise<{ vectors: string; metadata: string }> {
  const files = projectorTsv(vectors);
  const paths = { vectors: join(dir, 'vectors.tsv'), metadata: join(dir, 'metadata.tsv') };
  await writeFileAtomic(paths.vectors, encoder.encode(files.vectors));
  await writeFileAtomic(paths.metadata, encoder.encode(files.metadata));
  return paths;
}
