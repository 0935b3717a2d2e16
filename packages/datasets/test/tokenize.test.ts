import { tokenizeChars, tokenizeSentences, tokenizeWords } from '@mlblocks/datasets';
import { describe, expect, it } from 'vitest';

describe('tokenizeWords', () => {
  it('lowercases and drops punctuation by default', () => {
    expect(tokenizeWords('Call me Ishmael. Some years ago—never mind how long precisely—having')).toEqual([
      'call',
      'me',
      'ishmael',
      'some',
      'years',
      'ago',
      'never',
      'mind',
      'how',
      'long',
      'precisely',
      'having',
    ]);
  });

  it('keeps apostrophes inside words (straight or curly) and splits hyphens', () => {
    expect(tokenizeWords("Don’t the sperm-whale's 'jaws' o'clock")).toEqual([
      "don't",
      'the',
      'sperm',
      "whale's",
      'jaws',
      "o'clock",
    ]);
  });

  it('keeps punctuation and symbols as one token each on request', () => {
    expect(tokenizeWords('Wait... $5, ok?', { punctuation: 'keep' })).toEqual([
      'wait',
      '.',
      '.',
      '.',
      '$',
      '5',
      ',',
      'ok',
      '?',
    ]);
  });

  it('can keep case', () => {
    expect(tokenizeWords('Queequeg and Ahab', { lowercase: false })).toEqual(['Queequeg', 'and', 'Ahab']);
  });

  it('handles digits, non-Latin letters, combining marks and NFKC forms', () => {
    expect(tokenizeWords('In 1851: Café naïve Ζεύς ﬁne')).toEqual([
      'in',
      '1851',
      'café',
      'naïve',
      'ζεύς',
      'fine',
    ]);
    expect(tokenizeWords('cafe\u0301')).toEqual(['café']); // decomposed é is one word
  });

  it('returns [] for text without words', () => {
    expect(tokenizeWords(' -- ... \n')).toEqual([]);
  });
});

describe('tokenizeChars', () => {
  it('splits into code points, whitespace included', () => {
    expect(tokenizeChars('To be\n')).toEqual(['T', 'o', ' ', 'b', 'e', '\n']);
    expect(tokenizeChars('a𝔸😀')).toEqual(['a', '𝔸', '😀']);
    expect(tokenizeChars('AbC', { lowercase: true })).toEqual(['a', 'b', 'c']);
  });
});

describe('tokenizeSentences', () => {
  it('splits at . ! ? into lowercase [a-z0-9] runs, dropping empty sentences', () => {
    expect(tokenizeSentences("It's 1790. Fellow-Citizens!! Who? ... Café, 3.5%")).toEqual([
      ['it', 's', '1790'],
      ['fellow', 'citizens'],
      ['who'],
      ['caf', '3'],
      ['5'],
    ]);
    expect(tokenizeSentences('')).toEqual([]);
    expect(tokenizeSentences('. ! ?')).toEqual([]);
  });

  it("takes tokenizeWords' words with words: 'unicode'", () => {
    expect(tokenizeSentences("Don't stop. Café au lait!", { words: 'unicode' })).toEqual([
      ["don't", 'stop'],
      ['café', 'au', 'lait'],
    ]);
  });
});
