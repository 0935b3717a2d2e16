import { Generator } from '@mlblocks/core-tensor';
import {
  aliasTable,
  negativeSamplingTable,
  sampleAlias,
  sampleNegatives,
  subsamplingKeepProbabilities,
  unigramDistribution,
  Vocabulary,
} from '@mlblocks/datasets';
import { describe, expect, it } from 'vitest';

describe('subsampling', () => {
  const counts = [0, 900, 90, 9, 1]; // total 1000

  it("follows the word2vec C code's formula keep = sqrt(t/f) + t/f, clipped to 1", () => {
    const keep = subsamplingKeepProbabilities(counts, { threshold: 1e-3 });
    expect(keep[0]).toBe(1); // count 0
    expect(keep[1]).toBeCloseTo(Math.sqrt(1e-3 / 0.9) + 1e-3 / 0.9, 12);
    expect(keep[2]).toBeCloseTo(Math.sqrt(1e-3 / 0.09) + 1e-3 / 0.09, 12);
    expect(keep[4]).toBe(1); // f = t: always kept
  });

  it("and the paper's keep = sqrt(t/f)", () => {
    const keep = subsamplingKeepProbabilities(counts, { threshold: 1e-3, formula: 'paper' });
    expect(keep[1]).toBeCloseTo(Math.sqrt(1e-3 / 0.9), 12);
    expect(keep[3]).toBeCloseTo(Math.sqrt(1e-3 / 0.009), 12);
  });

  it('takes a Vocabulary (its counts)', () => {
    const vocab = Vocabulary.build('a a a a b'.split(' '), { specials: [] });
    expect([...subsamplingKeepProbabilities(vocab, { threshold: 0.1 })]).toEqual([
      Math.sqrt(0.1 / 0.8) + 0.1 / 0.8,
      Math.min(1, Math.sqrt(0.1 / 0.2) + 0.1 / 0.2),
    ]);
    expect(() => subsamplingKeepProbabilities(vocab, { threshold: 0 })).toThrow(/threshold must be positive/);
  });
});

describe('negative sampling', () => {
  const counts = [0, 81, 16, 1, 0, 16];

  it('the unigram^0.75 distribution', () => {
    const p = unigramDistribution(counts);
    const w = counts.map((c) => c ** 0.75);
    const total = w.reduce((a, b) => a + b);
    for (const [i, x] of p.entries()) expect(x).toBeCloseTo(w[i]! / total, 12);
    expect(unigramDistribution(counts, 1)[1]).toBeCloseTo(81 / 114, 12);
  });

  it('the table gives each id its share of slots (to within one slot), none to zero counts', () => {
    const size = 10_000;
    const table = negativeSamplingTable(counts, { size });
    const p = unigramDistribution(counts);
    const slots = new Array(counts.length).fill(0);
    for (const id of table) slots[id]++;
    expect(slots[0]).toBe(0);
    expect(slots[4]).toBe(0);
    for (const [id, share] of p.entries()) expect(Math.abs(slots[id] - share * size)).toBeLessThanOrEqual(1);
    expect([...table]).toEqual([...table].sort((a, b) => a - b)); // filled in id order
  });

  it("never draws a vocabulary's specials, <unk> included", () => {
    const vocab = Vocabulary.build('a a a b b c'.split(' '), { minCount: 2, specials: ['<unk>', '<eos>'] });
    expect(vocab.countOf('<unk>')).toBe(1); // 'c' was left out
    expect([...unigramDistribution(vocab).subarray(0, 2)]).toEqual([0, 0]);
    const table = negativeSamplingTable(vocab, { size: 100 });
    expect(new Set(table)).toEqual(new Set([vocab.idOf('a'), vocab.idOf('b')]));
  });

  it('draws reproducible negatives', () => {
    const table = negativeSamplingTable(counts, { size: 1000 });
    const a = sampleNegatives(table, 20, new Generator(3));
    const b = sampleNegatives(table, 20, new Generator(3));
    expect(a).toEqual(b);
    expect([...a].every((id) => id !== 0 && id !== 4)).toBe(true);
    expect(() => negativeSamplingTable(counts, { size: 0 })).toThrow(/size must be a positive integer/);
    expect(() => negativeSamplingTable([0, 0])).toThrow(/every count is zero/);
  });
});

describe('alias table', () => {
  const counts = [0, 81, 16, 1, 0, 16, 3];

  // P(id) = Σ over columns i of (1/n)·(probability[i]·[i = id] + (1 − probability[i])·[alias[i] = id])
  function exactDistribution(table: ReturnType<typeof aliasTable>): number[] {
    const n = table.probability.length;
    const p = new Array(n).fill(0);
    for (let i = 0; i < n; i++) {
      p[i] += table.probability[i]! / n;
      p[table.alias[i]!] += (1 - table.probability[i]!) / n;
    }
    return p;
  }

  it('gives every id exactly its unigram^0.75 probability, zero counts none', () => {
    const table = aliasTable(counts);
    const expected = unigramDistribution(counts);
    const p = exactDistribution(table);
    for (const [id, x] of expected.entries()) expect(p[id]).toBeCloseTo(x, 12);
    expect(p[0]).toBe(0);
    expect(p[4]).toBe(0);
    expect(exactDistribution(aliasTable(counts, { power: 1 }))[1]).toBeCloseTo(81 / 117, 12);
  });

  it("never draws a vocabulary's specials, and samples by the same rule as sampleAlias", () => {
    const vocab = Vocabulary.build('a a a b b c'.split(' '), { minCount: 2, specials: ['<unk>', '<eos>'] });
    const table = aliasTable(vocab);
    const generator = new Generator(1);
    const seen = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const id = sampleAlias(table, generator.nextFloat());
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([vocab.idOf('a'), vocab.idOf('b')].sort());
    const pa = 3 ** 0.75 / (3 ** 0.75 + 2 ** 0.75);
    expect(seen.get(vocab.idOf('a'))! / 20_000).toBeCloseTo(pa, 1);
    expect(() => aliasTable([0, 0])).toThrow(/every count is zero/);
  });
});
