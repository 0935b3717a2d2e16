import { describe, expect, it } from 'vitest';
import {
  CorpusError,
  charCorpus,
  encodeText,
  joinTokens,
  UnknownTokenError,
  wordCorpus,
} from '../src/index.js';
import { loadSotuCorpus } from '../src/node.js';
import { shakespeare } from './helpers.js';

describe('wordCorpus', () => {
  it('splits sentences at . ! ?, sends sentence i mod 20 = 18 to valid and 19 to test, ends each with <eos>', () => {
    const doc = Array.from({ length: 40 }, (_, i) => `Word${i} x${i % 3}!`).join(' ');
    const c = wordCorpus([doc, 'Tail one. tail two?'], { minCount: 1 });
    expect(c.vocab.tokens.slice(0, 2)).toEqual(['<unk>', '<eos>']);
    // 42 sentences: 18 and 38 to valid, 19 and 39 to test; wordN of those never reaches train's vocabulary
    expect(c.vocab.decode(c.valid)).toEqual(['<unk>', 'x0', '<eos>', '<unk>', 'x2', '<eos>']);
    expect(c.vocab.decode(c.test!)).toEqual(['<unk>', 'x1', '<eos>', '<unk>', 'x0', '<eos>']);
    expect(c.vocab.has('word17') && !c.vocab.has('word18') && !c.vocab.has('word19')).toBe(true);
    expect(c.vocab.decode(c.train.slice(-6))).toEqual(['tail', 'one', '<eos>', 'tail', 'two', '<eos>']);
    expect(c.train.length).toBe(36 * 3 + 6); // 36 of the first document's 40 sentences, then the two tail ones
  });

  it('orders the vocabulary by count then word, <unk> for train words seen fewer than minCount times', () => {
    const c = wordCorpus(['b a. a c. a b. zz.'], { minCount: 2 });
    expect(c.vocab.tokens).toEqual(['<unk>', '<eos>', 'a', 'b']);
    expect(c.vocab.decode(c.train)).toEqual([
      'b',
      'a',
      '<eos>',
      'a',
      '<unk>',
      '<eos>',
      'a',
      'b',
      '<eos>',
      '<unk>',
      '<eos>',
    ]);
  });

  it('gives the issue’s State of the Union split and vocabulary', () => {
    const c = loadSotuCorpus();
    expect(c.vocab.size).toBe(14_716);
    expect([c.train.length, c.valid.length, c.test!.length]).toEqual([1_696_643, 93_904, 94_078]);
    expect(c.vocab.tokens.slice(0, 4)).toEqual(['<unk>', '<eos>', 'the', 'of']);
  });
});

describe('charCorpus', () => {
  it.skipIf(shakespeare === null)(
    'gives 65 sorted characters and a 90% train split on tinyshakespeare',
    () => {
      const c = charCorpus(shakespeare!);
      expect(c.vocab.size).toBe(65);
      expect(c.vocab.tokens.join('')).toBe([...c.vocab.tokens].sort().join(''));
      expect([c.train.length, c.valid.length]).toEqual([1_003_854, 111_540]);
    },
  );

  it('refuses characters outside the vocabulary with their position', () => {
    const c = charCorpus('abcabcabc');
    expect(() => encodeText(c.vocab, 'char', 'abz')).toThrow(UnknownTokenError);
    expect(() => encodeText(c.vocab, 'char', 'abz')).toThrow(/"z" \(at position 2\)/);
    expect(joinTokens(c.vocab.decode(encodeText(c.vocab, 'char', 'cab')), 'char')).toBe('cab');
  });

  it('rejects a text too short to split', () => {
    expect(() => charCorpus('ab')).toThrow(CorpusError);
  });
});

describe('encodeText (words)', () => {
  it('maps unknown words to <unk> and ends sentences with <eos>', () => {
    const c = wordCorpus(['the cat. the dog. the cat.'], { minCount: 1 });
    expect(c.vocab.decode(encodeText(c.vocab, 'word', 'The zebra. The cat'))).toEqual([
      'the',
      '<unk>',
      '<eos>',
      'the',
      'cat',
    ]);
  });
});
