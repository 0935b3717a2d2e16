import { tokenizeChars, tokenizeWords } from '@mlblocks/datasets';
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
