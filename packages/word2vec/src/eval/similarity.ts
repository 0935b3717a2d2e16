import { DataFormatError } from '@mlblocks/datasets';
import type { KeyedVectors } from '../model/keyed-vectors.js';

/** A pair of words with a human similarity score. */
export interface WordPair {
  a: string;
  b: string;
  score: number;
}

/**
 * Parses the WordSim-353 format (as gensim ships it, `wordsim353.tsv`): `#` lines are comments,
 * every other non-empty line is `word1 TAB word2 TAB score`.
 *
 * @throws {DataFormatError} naming the line of a row that is not two words and a number.
 */
export function parseWordPairs(text: string, source = 'pairs'): WordPair[] {
  const pairs: WordPair[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split('\t');
    const value = Number(fields[2]);
    if (fields.length !== 3 || fields[2]!.trim() === '' || !Number.isFinite(value)) {
      throw new DataFormatError(
        'parseWordPairs',
        `${source}:${i + 1}: expected 'word TAB word TAB score', found '${line}'`,
      );
    }
    pairs.push({ a: fields[0]!.trim(), b: fields[1]!.trim(), score: value });
  });
  return pairs;
}

/** Ranks 1 … n of `values`, ties given their mean rank (as `scipy.stats.rankdata`). */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const out = new Array<number>(values.length);
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[k]!]) end++;
    const mean = (k + end) / 2 + 1;
    for (let m = k; m <= end; m++) out[order[m]!] = mean;
    k = end + 1;
  }
  return out;
}

/** Pearson correlation of two equally long lists (NaN when either is constant or shorter than 2). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2 || y.length !== n) return Number.NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ: the Pearson correlation of the ranks (ties averaged). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(ranks(x), ranks(y));
}

/** What `evaluateWordPairs` returns. */
export interface WordPairsReport {
  /** Spearman's ρ between the human scores and the cosines, over the covered pairs. */
  spearman: number;
  /** Pearson's r over the same pairs. */
  pearson: number;
  /** Pairs whose two words have vectors. */
  covered: number;
  pairs: number;
}

/**
 * Correlates human similarity judgements with cosine similarities (gensim's `evaluate_word_pairs`:
 * pairs with an unknown word are left out and counted; words lowercased first by default).
 *
 * @example
 * const { spearman, covered } = evaluateWordPairs(vectors, parseWordPairs(readFileSync('wordsim353.tsv', 'utf8')));
 */
export function evaluateWordPairs(
  vectors: KeyedVectors,
  pairs: readonly WordPair[],
  options: { lowercase?: boolean } = {},
): WordPairsReport {
  const { lowercase = true } = options;
  const human: number[] = [];
  const model: number[] = [];
  for (const { a, b, score } of pairs) {
    const [x, y] = lowercase ? [a.toLowerCase(), b.toLowerCase()] : [a, b];
    if (!vectors.has(x) || !vectors.has(y)) continue;
    human.push(score);
    model.push(vectors.similarity(x, y));
  }
  return {
    spearman: spearman(human, model),
    pearson: pearson(human, model),
    covered: human.length,
    pairs: pairs.length,
  };
}
