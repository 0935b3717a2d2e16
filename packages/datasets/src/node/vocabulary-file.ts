import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataFormatError, DataNotFoundError } from '../errors.js';
import { Vocabulary } from '../text/vocabulary.js';
import { writeFileAtomicSync } from './write-file-atomic.js';

/**
 * Writes a vocabulary as JSON, atomically: a temporary file, flushed, renamed into place — removed
 * if anything fails, and temporary files of killed writers are cleaned up by the next save.
 */
export function saveVocabulary(vocab: Vocabulary, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, `${JSON.stringify(vocab.toJSON())}\n`);
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
