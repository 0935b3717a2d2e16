import {
  type Corpus,
  countTokens,
  type SentenceTokenizerOptions,
  tokenizeSentences,
  Vocabulary,
} from '@mlblocks/datasets';
import { CorpusError } from '../errors.js';

/** A corpus ready for training: its vocabulary and every sentence as word ids. */
export interface TrainingCorpus {
  /** Where it came from (named in errors and reports). */
  readonly name: string;
  /** Words seen at least `minCount` times, by decreasing count (no specials). */
  readonly vocabulary: Vocabulary;
  /** Word ids, sentence after sentence; words below `minCount` are left out, as the C tool does. */
  readonly ids: Int32Array;
  /** Sentence `s` is `ids[starts[s] .. starts[s + 1])` (sentences left empty are dropped). */
  readonly starts: Int32Array;
  /** All tokens of the corpus, those below `minCount` included (what words/s counts). */
  readonly tokens: number;
}

/** Options of `prepareCorpus`. */
export interface PrepareCorpusOptions {
  /** Words seen fewer times are left out (default 5, the C tool's `-min-count`). */
  minCount?: number;
  /** The corpus's name in errors and reports (default `'corpus'`). */
  name?: string;
}

/**
 * Counts words, builds the vocabulary (`minCount`, ids by decreasing count) and encodes every
 * sentence as ids.
 *
 * @throws {CorpusError} when there are no words, or when `minCount` leaves none.
 *
 * @example
 * const corpus = prepareCorpus(sentencesOf(loadStateOfTheUnion()), { minCount: 5, name: 'sotu' });
 * corpus.vocabulary.size; // 12065
 */
export function prepareCorpus(
  sentences: Iterable<readonly string[]>,
  options: PrepareCorpusOptions = {},
): TrainingCorpus {
  const { minCount = 5, name = 'corpus' } = options;
  const list = Array.isArray(sentences) ? (sentences as readonly (readonly string[])[]) : [...sentences];
  const counts = new Map<string, number>();
  let tokens = 0;
  for (const sentence of list) {
    countTokens(sentence, counts);
    tokens += sentence.length;
  }
  if (tokens === 0) throw new CorpusError('prepareCorpus', `corpus '${name}' has no words`);
  const vocabulary = Vocabulary.fromCounts(counts, { minCount, specials: [] });
  if (vocabulary.size === 0) {
    let top = '';
    let most = 0;
    for (const [word, n] of counts) if (n > most) [top, most] = [word, n];
    throw new CorpusError(
      'prepareCorpus',
      `min-count ${minCount} leaves no word of corpus '${name}' (${tokens} tokens): its most frequent word, '${top}', occurs ${most} time${most === 1 ? '' : 's'}`,
    );
  }
  const index = new Map(vocabulary.tokens.map((word, id) => [word, id]));
  const ids = new Int32Array(tokens);
  const starts: number[] = [0];
  let n = 0;
  for (const sentence of list) {
    for (const word of sentence) {
      const id = index.get(word);
      if (id !== undefined) ids[n++] = id;
    }
    if (n > starts[starts.length - 1]!) starts.push(n);
  }
  return { name, vocabulary, ids: ids.slice(0, n), starts: Int32Array.from(starts), tokens };
}

/**
 * A corpus's documents as sentences of words, each document tokenized on its own by
 * `tokenizeSentences` (lowercase; sentences end at `.`, `!`, `?`; words are runs of `[a-z0-9]`).
 */
export function sentencesOf(corpus: Corpus, options: SentenceTokenizerOptions = {}): string[][] {
  return corpus.documents.flatMap((document) => tokenizeSentences(document.text, options));
}
