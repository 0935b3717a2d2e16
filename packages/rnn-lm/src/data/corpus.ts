import { ValueError } from '@mlblocks/core-tensor';
import { tokenizeSentences, Vocabulary } from '@mlblocks/datasets';
import { CorpusError, UnknownTokenError } from '../errors.js';

/** Whether a model reads words or characters. */
export type TokenLevel = 'word' | 'char';

/**
 * A language-modelling corpus: a vocabulary and the token ids of each split, each split one
 * stream (read left to right it is the text).
 */
export interface LMCorpus {
  /** A short name (`'sotu'`, `'tinyshakespeare.txt'`). */
  readonly name: string;
  /** Words or characters. */
  readonly level: TokenLevel;
  /** Token ↔ id (built from train only). */
  readonly vocab: Vocabulary;
  /** The train split's token ids. */
  readonly train: Int32Array;
  /** The valid split's token ids. */
  readonly valid: Int32Array;
  /** Absent where the corpus has only train and valid (the character corpora). */
  readonly test?: Int32Array;
}

/** The special tokens of word corpora, in id order. */
export const WORD_SPECIALS = ['<unk>', '<eos>'] as const;

/** Options of `wordCorpus`. */
export interface WordCorpusOptions {
  /** Train words seen fewer times map to `<unk>` (default 3). */
  minCount?: number;
  /** Sentence i goes to valid when i mod `every` = `every` − 2, to test when = `every` − 1 (default 20). */
  every?: number;
  /** The corpus name (default `'words'`). */
  name?: string;
}

/**
 * A word-level corpus, split by sentence. The rules (the issue's, so results compare with other
 * tools): each document is lowercased and split into sentences at every `.`, `!` or `?`; tokens
 * are maximal runs of `[a-z0-9]`; empty sentences are dropped (datasets' `tokenizeSentences`).
 * Sentences are numbered across the documents in order; sentence i goes to valid when
 * i mod 20 = 18, to test when i mod 20 = 19, else to train. Each sentence contributes its tokens
 * then `<eos>`. The vocabulary is `<unk>` (id 0), `<eos>` (id 1), then the train words seen at
 * least `minCount` (3) times, by decreasing count, ties in code-unit order.
 *
 * On the 233 State of the Union addresses (see `loadSotuCorpus` in `/node`): V = 14,716; train
 * 1,696,643 tokens, valid 93,904, test 94,078.
 *
 * @example
 * const corpus = wordCorpus(['It is 1790. We met!', 'Who? Us.']);
 * corpus.vocab.tokens.slice(0, 2); // ['<unk>', '<eos>']
 */
export function wordCorpus(documents: readonly string[], options: WordCorpusOptions = {}): LMCorpus {
  const { minCount = 3, every = 20, name = 'words' } = options;
  if (!(Number.isInteger(every) && every >= 3)) {
    throw new ValueError('wordCorpus', `every must be an integer ≥ 3, got ${every}`);
  }
  const splits: string[][][] = [[], [], []];
  let i = 0;
  for (const text of documents) {
    for (const sentence of tokenizeSentences(text)) {
      const r = i % every;
      splits[r === every - 2 ? 1 : r === every - 1 ? 2 : 0]!.push(sentence);
      i++;
    }
  }
  const counts = new Map<string, number>();
  for (const sentence of splits[0]!) for (const w of sentence) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocab = Vocabulary.fromCounts(counts, { minCount, specials: [...WORD_SPECIALS] });
  const eos = vocab.idOf('<eos>');
  const encode = (sentences: string[][]): Int32Array => {
    let n = 0;
    for (const s of sentences) n += s.length + 1;
    const out = new Int32Array(n);
    let k = 0;
    for (const s of sentences) {
      for (const w of s) out[k++] = vocab.idOf(w);
      out[k++] = eos;
    }
    return out;
  };
  const [train, valid, test] = splits.map(encode) as [Int32Array, Int32Array, Int32Array];
  if (train.length === 0) throw new CorpusError('wordCorpus', `corpus '${name}' has no words`);
  return { name, level: 'word', vocab, train, valid, test };
}

/** Options of `charCorpus`. */
export interface CharCorpusOptions {
  /** The fraction of the text (its end) held out for validation (default 0.1). */
  validFraction?: number;
  /** The corpus name (default `'chars'`). */
  name?: string;
}

/**
 * A character-level corpus from one text: the vocabulary is the text's distinct characters
 * (Unicode code points) in code-point order, with no `<unk>`; train is the first
 * `floor((1 − validFraction)·n)` characters, valid the rest. On tinyshakespeare (1,115,394
 * characters): 65 characters, train 1,003,854, valid 111,540.
 *
 * @example
 * const corpus = charCorpus(readFileSync('tinyshakespeare.txt', 'utf8'), { name: 'shakespeare' });
 */
export function charCorpus(text: string, options: CharCorpusOptions = {}): LMCorpus {
  const { validFraction = 0.1, name = 'chars' } = options;
  if (!(validFraction > 0 && validFraction < 1)) {
    throw new ValueError('charCorpus', `validFraction must be in (0, 1), got ${validFraction}`);
  }
  const chars = Array.from(text);
  if (chars.length < 4) {
    throw new CorpusError('charCorpus', `corpus '${name}' has ${chars.length} characters; need at least 4`);
  }
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  const alphabet = [...counts.keys()].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const vocab = Vocabulary.fromJSON({
    format: 'mlblocks-vocabulary',
    version: 1,
    unk: null,
    specials: [],
    tokens: alphabet,
    counts: alphabet.map((c) => counts.get(c)!),
  });
  const ids = vocab.encode(chars);
  const cut = Math.floor((1 - validFraction) * ids.length);
  return { name, level: 'char', vocab, train: ids.slice(0, cut), valid: ids.slice(cut) };
}

/**
 * Encodes text the way a model of `level` reads it: characters (an unknown character is an
 * `UnknownTokenError` naming it and its position), or words by `tokenizeSentences`' rule with
 * `<eos>` after each sentence ended by `.`, `!` or `?` (unknown words become `<unk>`).
 */
export function encodeText(
  vocab: Vocabulary,
  level: TokenLevel,
  text: string,
  op = 'encodeText',
): Int32Array {
  if (level === 'char') {
    const chars = Array.from(text);
    const out = new Int32Array(chars.length);
    chars.forEach((c, i) => {
      if (!vocab.has(c)) throw new UnknownTokenError(op, c, i, vocab.size);
      out[i] = vocab.idOf(c);
    });
    return out;
  }
  const ids: number[] = [];
  const eos = vocab.has('<eos>') ? vocab.idOf('<eos>') : -1;
  const pieces = text.toLowerCase().split(/([.!?])/);
  for (let p = 0; p < pieces.length; p += 2) {
    for (const w of pieces[p]!.match(/[a-z0-9]+/g) ?? []) ids.push(vocab.idOf(w));
    if (pieces[p + 1] !== undefined && eos >= 0 && ids.length > 0 && ids[ids.length - 1] !== eos)
      ids.push(eos);
  }
  return Int32Array.from(ids);
}

/** Joins decoded tokens as text: characters as they are; words with spaces, `<eos>` as a line break. */
export function joinTokens(tokens: readonly string[], level: TokenLevel): string {
  if (level === 'char') return tokens.join('');
  return tokens.map((t) => (t === '<eos>' ? '\n' : `${t} `)).join('');
}
