import { readFileSync } from 'node:fs';
import { DataFormatError } from '@mlblocks/datasets';
import {
  evaluateAnalogies,
  evaluateWordPairs,
  KeyedVectors,
  parseAnalogyQuestions,
  parseWordPairs,
  ranks,
  spearman,
  UnknownWordError,
} from '@mlblocks/word2vec';
import { describe, expect, it } from 'vitest';
import { hasSharedData, sharedData } from './helpers/fixtures.js';

// Hand-made 4-D vectors: male (+) / female (−), royalty, youth, fruit.
const vectors = new KeyedVectors(
  ['man', 'woman', 'king', 'queen', 'apple', 'boy', 'girl'],
  Float32Array.from([
    1, 0, 0, 0, -1, 0, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0.8, 0, -1, 0, 0.8, 0,
  ]),
  4,
);

describe('KeyedVectors', () => {
  it('ranks by cosine over unit vectors, leaving the query words out', () => {
    const near = vectors.mostSimilar('man', { topN: 2 });
    expect(near.map((n) => n.word)).toEqual(['boy', 'king']);
    expect(near[0]!.similarity).toBeCloseTo(vectors.similarity('man', 'boy'), 6);
    expect(vectors.similarity('man', 'boy')).toBeCloseTo(1 / Math.hypot(1, 0.8), 6);
    expect(vectors.similarity('man', 'king')).toBeCloseTo(Math.SQRT1_2, 6);
    expect(vectors.mostSimilar('man', { topN: 1, exclude: ['boy'] })[0]!.word).toBe('king');
    expect(vectors.mostSimilar('man', { topN: 2, restrict: 4 }).map((n) => n.word)).toEqual([
      'king',
      'queen',
    ]);
  });

  it('solves man : woman :: king : queen by 3CosAdd and 3CosMul, question words excluded', () => {
    const [best] = vectors.analogy('man', 'woman', 'king');
    expect(best!.word).toBe('queen');
    // gensim's score: the cosine of queen with the normalized ŵoman − m̂an + k̂ing
    const q = [-2 + Math.SQRT1_2, Math.SQRT1_2];
    expect(best!.similarity).toBeCloseTo(
      (q[0]! * -Math.SQRT1_2 + q[1]! * Math.SQRT1_2) / Math.hypot(q[0]!, q[1]!),
      6,
    );
    expect(vectors.analogy('man', 'woman', 'king', { method: '3CosMul' })[0]!.word).toBe('queen');
    expect(vectors.analogy('man', 'king', 'woman', { topN: 7 }).map((n) => n.word)).not.toContain('woman');
  });

  it('throws a typed error naming an unknown word', () => {
    expect(() => vectors.mostSimilar('pear')).toThrow(UnknownWordError);
    expect(() => vectors.analogy('man', 'pear', 'king')).toThrow(
      /'pear' is not in the vocabulary \(7 words\)/,
    );
  });
});

describe('analogy evaluation (questions-words format)', () => {
  const text = [
    ': family',
    'man woman king queen',
    'Man Woman Boy Girl',
    'man woman prince princess',
    ': gram-plural',
    'man woman boy girl',
  ].join('\n');

  it('scores per section, semantic vs syntactic, with coverage', () => {
    const questions = parseAnalogyQuestions(text);
    expect(questions).toHaveLength(4);
    const report = evaluateAnalogies(vectors, questions);
    expect(report.sections.map((s) => [s.section, s.correct, s.covered, s.questions])).toEqual([
      ['family', 2, 2, 3],
      ['gram-plural', 1, 1, 1],
    ]);
    expect(report.semantic.coverage).toBeCloseTo(2 / 3, 12);
    expect(report.total).toMatchObject({ correct: 3, covered: 3, questions: 4, accuracy: 1 });
    expect(evaluateAnalogies(vectors, questions, { method: '3CosMul' }).total.correct).toBe(3);
    // candidates restricted to the first 3 words: 'queen' is out of reach, so nothing is covered
    expect(evaluateAnalogies(vectors, questions, { restrict: 3 }).total.covered).toBe(0);
  });

  it('rejects malformed lines with their number', () => {
    expect(() => parseAnalogyQuestions(': s\na b c\n', 'q.txt')).toThrow(DataFormatError);
    expect(() => parseAnalogyQuestions(': s\na b c\n', 'q.txt')).toThrow(
      /q\.txt:2: expected 4 words, found 3/,
    );
    expect(() => parseAnalogyQuestions('a b c d\n', 'q.txt')).toThrow(
      /q\.txt:1: a question before the first/,
    );
  });

  it.skipIf(!hasSharedData('questions-words.txt'))(
    'parses the real file: 19,544 questions in 14 sections',
    () => {
      const questions = parseAnalogyQuestions(readFileSync(sharedData('questions-words.txt'), 'utf8'));
      expect(questions).toHaveLength(19_544);
      const sections = [...new Set(questions.map((q) => q.section))];
      expect(sections).toHaveLength(14);
      expect(sections.filter((s) => s.startsWith('gram'))).toHaveLength(9);
    },
  );
});

describe('word-pair similarity (WordSim-353 format)', () => {
  it("Spearman's ρ with tied ranks averaged (scipy's rankdata)", () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    // scipy.stats.spearmanr([1, 2, 2, 3, 5], [2, 1, 4, 4, 9]).correlation
    expect(spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 9])).toBeCloseTo(0.7631578947368421, 12);
  });

  it('correlates human scores with cosines over the covered pairs', () => {
    const pairs = parseWordPairs(
      '# header\n# more\nman\tboy\t9\nman\tapple\t1\nman\tking\t7\nking\tpear\t5\n',
    );
    expect(pairs).toHaveLength(4);
    const report = evaluateWordPairs(vectors, pairs);
    expect(report.covered).toBe(3);
    expect(report.pairs).toBe(4);
    expect(report.spearman).toBeCloseTo(1, 12); // man–boy > man–king > man–apple in both
    expect(() => parseWordPairs('a\tb\n', 'ws.tsv')).toThrow(/ws\.tsv:1: expected 'word TAB word TAB score'/);
  });

  it.skipIf(!hasSharedData('wordsim353.tsv'))('parses the real file: 353 pairs', () => {
    expect(parseWordPairs(readFileSync(sharedData('wordsim353.tsv'), 'utf8'))).toHaveLength(353);
  });
});
