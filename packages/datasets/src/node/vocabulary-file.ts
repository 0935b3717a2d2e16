import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataFormatError, DataNotFoundError } from '../errors.js';
import { Vocabulary } from '../text/vocabulary.js';

/** Writes a vocabulary as JSON (atomically: a temporary file renamed into place). */
export function saveVocabulary(vocab: Vocabulary, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(vocab.toJSON())}\n`);
  renameSync(tmp, path);
}

/**
 * Reads a vocabulary saved by `saveVocabulary` (validated by `Vocabulary.fromJSON`).
 *
 * @throws {DataNotFoundError} if there is no file; {DataFormatError} if it is not a valid vocabulary.
 */
export function loadVocabulary(path: string): Vocabulary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DataNotFoundError('loadVocabulary', `no file at ${path}`);
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataFormatError('loadVocabulary', `${path} is not valid JSON (${(error as Error).message})`);
  }
  return Vocabulary.fromJSON(json);
}
