import { checkOptions, type Generator, ValueError } from '@mlblocks/core-tensor';

/** Counts by id: a `Vocabulary` (or anything with `counts` and `specials`) or a plain array of counts. */
export type CountsLike =
  | { readonly counts: readonly number[]; readonly specials?: readonly string[] }
  | ArrayLike<number>;

function countsOf(source: CountsLike): ArrayLike<number> {
  return 'counts' in source ? source.counts : source;
}

// Sampling weights: a vocabulary's specials (ids 0 … k−1, `<unk>` included) are never drawn —
// word2vec trains on known words only — while a plain counts array is taken as it is.
function samplingCounts(source: CountsLike): ArrayLike<number> {
  if (!('counts' in source) || !source.specials?.length) return countsOf(source);
  const counts = Float64Array.from(source.counts);
  counts.fill(0, 0, source.specials.length);
  return counts;
}

/** Options of `subsamplingKeepProbabilities`. */
export interface SubsamplingOptions {
  /** The threshold `t` (default 1e-5; word2vec's `-sample`, often 1e-3 for small corpora). */
  threshold?: number;
  /**
   * `'word2vec'` (default): the released C code's `keep = sqrt(t/f) + t/f`;
   * `'paper'`: Mikolov et al. 2013's `keep = sqrt(t/f)` (discard `1 − sqrt(t/f)`).
   */
  formula?: 'word2vec' | 'paper';
}

/**
 * word2vec's subsampling of frequent words: the probability of keeping each occurrence of word
 * `w`, where `f = count(w) / total` is its frequency. Frequent words ("the", "of") are dropped often,
 * rare ones never (probabilities are clipped to 1; a count of 0 gives 1).
 *
 * @example
 * const keep = subsamplingKeepProbabilities(vocab, { threshold: 1e-3 });
 * const kept = ids.filter((id) => generator.nextFloat() < keep[id]);
 */
export function subsamplingKeepProbabilities(
  source: CountsLike,
  options: SubsamplingOptions = {},
): Float64Array {
  checkOptions('subsamplingKeepProbabilities', options, { threshold: true, formula: true });
  const { threshold = 1e-5, formula = 'word2vec' } = options;
  if (!(threshold > 0)) throw new ValueError('subsampling', `threshold must be positive, got ${threshold}`);
  const counts = countsOf(source);
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const keep = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const f = counts[i]! / total;
    const ratio = threshold / f;
    const p = f === 0 ? 1 : formula === 'paper' ? Math.sqrt(ratio) : Math.sqrt(ratio) + ratio;
    keep[i] = Math.min(1, p);
  }
  return keep;
}

/**
 * The smoothed unigram distribution negative samples are drawn from: `P(w) ∝ count(w)^power`
 * (power 0.75 in word2vec, which lifts rare words relative to frequent ones). A vocabulary's
 * specials, `<unk>` included, get probability 0.
 */
export function unigramDistribution(source: CountsLike, power = 0.75): Float64Array {
  const counts = samplingCounts(source);
  const weights = Float64Array.from({ length: counts.length }, (_, i) => counts[i]! ** power);
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new ValueError('unigramDistribution', 'every count is zero');
  return weights.map((w) => w / total);
}

/**
 * word2vec's negative-sampling table: `size` slots filled with ids, id `w` taking a share
 * `∝ count(w)^power` of them (zero counts and a vocabulary's specials get none). A uniform slot is then a
 * sample from the smoothed unigram distribution: `table[generator.nextInt(0, table.length)]`.
 * Filled like the C code, walking the cumulative distribution once.
 *
 * @example
 * const table = negativeSamplingTable(vocab, { size: 1_000_000 });
 * const negatives = sampleNegatives(table, 5, generator);
 */
export function negativeSamplingTable(
  source: CountsLike,
  options: { power?: number; size?: number } = {},
): Int32Array {
  checkOptions('negativeSamplingTable', options, { power: true, size: true });
  const { power = 0.75, size = 1_000_000 } = options;
  if (!(Number.isInteger(size) && size > 0)) {
    throw new ValueError('negativeSamplingTable', `size must be a positive integer, got ${size}`);
  }
  const p = unigramDistribution(source, power);
  const table = new Int32Array(size);
  let last = p.length - 1;
  while (p[last] === 0) last--;
  let id = 0;
  while (p[id] === 0) id++;
  let cumulative = p[id]!;
  for (let slot = 0; slot < size; slot++) {
    table[slot] = id;
    // move on once this slot passes the id's share (skipping ids with no share)
    while ((slot + 1) / size > cumulative && id < last) {
      id++;
      cumulative += p[id]!;
    }
  }
  return table;
}

/**
 * Walker's alias table of the smoothed unigram distribution (`P(w) ∝ count(w)^power`, specials
 * never drawn): two arrays of one entry per id, so a vocabulary of 10⁴–10⁵ words samples from a
 * table that stays in the CPU cache — word2vec's 10⁸-slot table misses the cache on nearly every
 * draw — and every id gets its exact probability, not a whole number of slots. Built by Vose's
 * method, deterministically.
 *
 * A draw takes one uniform `u` in [0, 1): with `x = u · n`, `i = floor(x)`, the sample is `i` if
 * `x − i < probability[i]`, else `alias[i]` (see `sampleAlias`).
 *
 * @example
 * const table = aliasTable(vocab);
 * const negative = sampleAlias(table, generator.nextFloat());
 */
export interface AliasTable {
  /** The probability of keeping column `i` (else its alias is drawn). */
  readonly probability: Float64Array;
  /** The id drawn when column `i` is not kept. */
  readonly alias: Int32Array;
}

/** Builds the alias table of `P(w) ∝ count(w)^power` (see `AliasTable`). */
export function aliasTable(source: CountsLike, options: { power?: number } = {}): AliasTable {
  checkOptions('aliasTable', options, { power: true });
  const p = unigramDistribution(source, options.power ?? 0.75);
  const n = p.length;
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = p.map((x) => x * n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = n - 1; i >= 0; i--) (scaled[i]! < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    probability[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  // what is left has probability 1 up to rounding
  for (const i of [...large, ...small]) {
    probability[i] = 1;
    alias[i] = i;
  }
  return { probability, alias };
}

/** One draw from an alias table, given a uniform `u` in [0, 1). */
export function sampleAlias(table: AliasTable, u: number): number {
  const x = u * table.probability.length;
  const i = Math.floor(x);
  return x - i < table.probability[i]! ? i : table.alias[i]!;
}

/** Draws `k` ids from a negative-sampling table. */
export function sampleNegatives(table: Int32Array, k: number, generator: Generator): Int32Array {
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) out[i] = table[generator.nextInt(0, table.length)]!;
  return out;
}
