import { ValueError } from '@mlblocks/core-tensor';
import { UnknownWordError } from '../errors.js';

/** A word and its score (a cosine similarity, or 3CosMul's ratio). */
export interface Neighbor {
  word: string;
  similarity: number;
}

/** Options of `mostSimilar`. */
export interface MostSimilarOptions {
  /** Words whose directions are subtracted (gensim's `negative`). */
  negative?: readonly string[];
  /** How many neighbours (default 10). */
  topN?: number;
  /** Only the first `restrict` words (the most frequent, in a trained vocabulary) are candidates. */
  restrict?: number;
  /** More words to leave out of the answer (the query words always are). */
  exclude?: readonly string[];
}

/** Options of `analogy`. */
export interface AnalogyOptions {
  /** `'3CosAdd'` (default; Mikolov et al. 2013) or `'3CosMul'` (Levy & Goldberg 2014). */
  method?: '3CosAdd' | '3CosMul';
  /** How many answers (default 1). */
  topN?: number;
  /** Only the first `restrict` words are candidates. */
  restrict?: number;
}

/** 3CosMul's ε, gensim's (`most_similar_cosmul`); Levy & Goldberg used 0.001. */
const COSMUL_EPSILON = 1e-6;

/**
 * Word vectors: one row of `dim` floats per word, in vocabulary order (the most frequent first,
 * for a trained model). Similarities are cosines, computed over unit vectors normalized once.
 *
 * @example
 * vectors.mostSimilar('war', { topN: 5 });       // [{ word: 'hostilities', similarity: 0.71 }, …]
 * vectors.analogy('man', 'woman', 'king');        // man : woman :: king : ?
 * vectors.similarity('tax', 'taxes');
 */
export class KeyedVectors {
  /** Words by row. */
  readonly words: readonly string[];
  /** `size × dim` floats, row-major. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** Corpus counts by row, when known (a trained model; a loaded file has none). */
  readonly counts: readonly number[] | undefined;
  private readonly index: Map<string, number>;
  private unit: Float32Array | undefined;

  constructor(
    words: readonly string[],
    vectors: Float32Array,
    dim: number,
    options: { counts?: readonly number[] } = {},
  ) {
    const op = 'KeyedVectors';
    if (!(Number.isInteger(dim) && dim > 0))
      throw new ValueError(op, `dim must be a positive integer, got ${dim}`);
    if (vectors.length !== words.length * dim) {
      throw new ValueError(
        op,
        `${words.length} words × ${dim} dims need ${words.length * dim} floats, got ${vectors.length}`,
      );
    }
    if (options.counts && options.counts.length !== words.length) {
      throw new ValueError(op, `${words.length} words but ${options.counts.length} counts`);
    }
    this.index = new Map();
    words.forEach((word, i) => {
      if (this.index.has(word))
        throw new ValueError(op, `word '${word}' appears twice (rows ${this.index.get(word)} and ${i})`);
      this.index.set(word, i);
    });
    this.words = Object.freeze([...words]);
    this.vectors = vectors;
    this.dim = dim;
    this.counts = options.counts ? Object.freeze([...options.counts]) : undefined;
  }

  /** Number of words. */
  get size(): number {
    return this.words.length;
  }

  /** Whether `word` has a vector. */
  has(word: string): boolean {
    return this.index.has(word);
  }

  /**
   * The row of `word`.
   *
   * @throws {UnknownWordError} if it has none.
   */
  indexOf(word: string, op = 'KeyedVectors'): number {
    const i = this.index.get(word);
    if (i === undefined) throw new UnknownWordError(op, word, this.size);
    return i;
  }

  /** The vector of `word` (a view into `vectors`). */
  vector(word: string): Float32Array {
    const i = this.indexOf(word, 'KeyedVectors.vector');
    return this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Every vector scaled to length 1 (computed once; a zero vector stays zero). */
  unitVectors(): Float32Array {
    if (this.unit) return this.unit;
    const { dim, vectors } = this;
    const unit = new Float32Array(vectors.length);
    for (let w = 0; w < this.size; w++) {
      let norm = 0;
      for (let c = 0; c < dim; c++) norm += vectors[w * dim + c]! ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let c = 0; c < dim; c++) unit[w * dim + c] = vectors[w * dim + c]! * scale;
    }
    this.unit = unit;
    return unit;
  }

  /** The unit vector of row `i` (a view). */
  unitVector(i: number): Float32Array {
    return this.unitVectors().subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    const ua = this.unitVector(this.indexOf(a, 'KeyedVectors.similarity'));
    const ub = this.unitVector(this.indexOf(b, 'KeyedVectors.similarity'));
    let dot = 0;
    for (let c = 0; c < this.dim; c++) dot += ua[c]! * ub[c]!;
    return dot;
  }

  /**
   * Dot products of every unit vector (of the first `restrict` rows) with `query` — cosines when
   * `query` has length 1.
   */
  similarities(query: ArrayLike<number>, restrict = this.size): Float32Array {
    const { dim } = this;
    if (query.length !== dim)
      throw new ValueError('KeyedVectors.similarities', `query has ${query.length} values, expected ${dim}`);
    const unit = this.unitVectors();
    const n = Math.min(restrict, this.size);
    const out = new Float32Array(n);
    const q = Float64Array.from(query);
    for (let w = 0; w < n; w++) {
      const row = w * dim;
      let s0 = 0;
      let s1 = 0;
      let c = 0;
      for (; c + 1 < dim; c += 2) {
        s0 += unit[row + c]! * q[c]!;
        s1 += unit[row + c + 1]! * q[c + 1]!;
      }
      if (c < dim) s0 += unit[row + c]! * q[c]!;
      out[w] = s0 + s1;
    }
    return out;
  }

  /**
   * The words closest to the normalized mean of the unit vectors of `positive` minus those of
   * `negative` (gensim's `most_similar`), the query words left out. `positive` may also hold raw
   * vectors.
   *
   * @example
   * vectors.mostSimilar('president');
   * vectors.mostSimilar(['woman', 'king'], { negative: ['man'], topN: 3 });
   */
  mostSimilar(
    positive: string | readonly (string | ArrayLike<number>)[],
    options: MostSimilarOptions = {},
  ): Neighbor[] {
    const op = 'KeyedVectors.mostSimilar';
    const { negative = [], topN = 10, restrict = this.size, exclude = [] } = options;
    const plus = typeof positive === 'string' ? [positive] : positive;
    if (plus.length + negative.length === 0)
      throw new ValueError(op, 'no query: give positive and/or negative words');
    const query = new Float64Array(this.dim);
    const skip = new Set<number>();
    const addTerm = (term: string | ArrayLike<number>, sign: number) => {
      let v: ArrayLike<number>;
      if (typeof term === 'string') {
        const i = this.indexOf(term, op);
        skip.add(i);
        v = this.unitVector(i);
      } else {
        if (term.length !== this.dim)
          throw new ValueError(op, `a query vector has ${term.length} values, expected ${this.dim}`);
        let norm = 0;
        for (let c = 0; c < this.dim; c++) norm += term[c]! ** 2;
        const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        v = Array.from(term, (x) => x * s);
      }
      for (let c = 0; c < this.dim; c++) query[c]! += sign * v[c]!;
    };
    for (const term of plus) addTerm(term, 1);
    for (const word of negative) addTerm(word, -1);
    for (const word of exclude) {
      const i = this.index.get(word);
      if (i !== undefined) skip.add(i);
    }
    let norm = 0;
    for (let c = 0; c < this.dim; c++) norm += query[c]! ** 2;
    if (norm > 0) for (let c = 0; c < this.dim; c++) query[c]! /= Math.sqrt(norm);
    return this.top(this.similarities(query, restrict), topN, skip);
  }

  /**
   * Solves `a : b :: c : ?` — the words d closest to b − a + c — with question words left out.
   * 3CosAdd ranks by `cos(d, b) − cos(d, a) + cos(d, c)` and reports gensim's score, the cosine of d
   * with the normalized `b̂ − â + ĉ`; 3CosMul ranks by `cos'(d, b) · cos'(d, c) / (cos'(d, a) + ε)` with
   * cosines shifted to [0, 1], `cos' = (1 + cos) / 2` (Levy & Goldberg 2014, "Linguistic Regularities
   * in Sparse and Explicit Word Representations").
   *
   * @example
   * vectors.analogy('man', 'woman', 'king'); // [{ word: 'queen', similarity: … }] on a good model
   */
  analogy(a: string, b: string, c: string, options: AnalogyOptions = {}): Neighbor[] {
    const { method = '3CosAdd', topN = 1, restrict = this.size } = options;
    if (method === '3CosAdd') return this.mostSimilar([b, c], { negative: [a], topN, restrict });
    if (method !== '3CosMul')
      throw new ValueError('KeyedVectors.analogy', `method must be '3CosAdd' or '3CosMul', got '${method}'`);
    const op = 'KeyedVectors.analogy';
    const [ia, ib, ic] = [this.indexOf(a, op), this.indexOf(b, op), this.indexOf(c, op)];
    const scores = cosMulScores(
      this.similarities(this.unitVector(ia), restrict),
      this.similarities(this.unitVector(ib), restrict),
      this.similarities(this.unitVector(ic), restrict),
    );
    return this.top(scores, topN, new Set([ia, ib, ic]));
  }

  /** The `topN` highest `scores` (ties: the lower row first), rows in `skip` left out. */
  top(scores: ArrayLike<number>, topN: number, skip: ReadonlySet<number> = new Set()): Neighbor[] {
    const best: number[] = [];
    for (let w = 0; w < scores.length; w++) {
      if (skip.has(w)) continue;
      const s = scores[w]!;
      if (best.length === topN && !(s > scores[best[topN - 1]!]!)) continue;
      // after every row scoring at least s: ties keep the lower row first
      let at = best.length;
      while (at > 0 && s > scores[best[at - 1]!]!) at--;
      best.splice(at, 0, w);
      if (best.length > topN) best.pop();
    }
    return best.map((w) => ({ word: this.words[w]!, similarity: scores[w]! }));
  }

  /** A copy with the first `n` words only (the most frequent, in a trained vocabulary). */
  head(n: number): KeyedVectors {
    const k = Math.min(n, this.size);
    return new KeyedVectors(this.words.slice(0, k), this.vectors.slice(0, k * this.dim), this.dim, {
      counts: this.counts?.slice(0, k),
    });
  }
}

/** 3CosMul's scores from the cosines of every candidate with a, b and c. */
export function cosMulScores(simA: Float32Array, simB: Float32Array, simC: Float32Array): Float32Array {
  const out = new Float32Array(simA.length);
  for (let w = 0; w < out.length; w++) {
    out[w] = (((1 + simB[w]!) / 2) * ((1 + simC[w]!) / 2)) / ((1 + simA[w]!) / 2 + COSMUL_EPSILON);
  }
  return out;
}
