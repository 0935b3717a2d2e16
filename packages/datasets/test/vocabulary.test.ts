import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IndexError, ValueError } from '@mlblocks/core-tensor';
import {
  countTokens,
  DataFormatError,
  DataNotFoundError,
  loadVocabulary,
  saveVocabulary,
  tokenizeWords,
  Vocabulary,
  type VocabularyJSON,
} from '@mlblocks/datasets/node';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/fixtures.js';

const TOKENS = 'the cat sat on the mat the cat ran a b'.split(' ');

describe('Vocabulary.build', () => {
  it('gives specials the first ids, then tokens by count, ties in code-unit order', () => {
    const vocab = Vocabulary.build(TOKENS, { specials: ['<unk>', '<eos>'] });
    expect(vocab.tokens).toEqual(['<unk>', '<eos>', 'the', 'cat', 'a', 'b', 'mat', 'on', 'ran', 'sat']);
    expect(vocab.counts).toEqual([0, 0, 3, 2, 1, 1, 1, 1, 1, 1]);
    expect(vocab.size).toBe(10);
    expect(vocab.totalCount).toBe(TOKENS.length);
  });

  it('ids are stable: the order of the text does not matter, only the counts', () => {
    const a = Vocabulary.build(TOKENS);
    const b = Vocabulary.build([...TOKENS].reverse());
    expect(b.tokens).toEqual(a.tokens);
  });

  it('minCount and maxSize move the dropped mass into <unk>', () => {
    const byCount = Vocabulary.build(TOKENS, { minCount: 2 });
    expect(byCount.tokens).toEqual(['<unk>', 'the', 'cat']);
    expect(byCount.counts).toEqual([6, 3, 2]);
    const bySize = Vocabulary.build(TOKENS, { maxSize: 2 });
    expect(bySize.tokens).toEqual(['<unk>', 'the']);
    expect(bySize.countOf('<unk>')).toBe(8);
    expect(bySize.totalCount).toBe(TOKENS.length);
  });

  it('encodes unknown tokens as <unk>, and decodes back', () => {
    const vocab = Vocabulary.build(TOKENS, { minCount: 2 });
    const ids = vocab.encode(['the', 'dog', 'cat']);
    expect(ids).toBeInstanceOf(Int32Array);
    expect([...ids]).toEqual([1, 0, 2]);
    expect(vocab.decode(ids)).toEqual(['the', '<unk>', 'cat']);
    expect(vocab.unkId).toBe(0);
    expect(vocab.idOf('zebra')).toBe(0);
    expect(vocab.has('zebra')).toBe(false);
  });

  it('round-trips text through encode/decode when every token is known', () => {
    const text = 'It is a way I have of driving off the spleen and regulating the circulation';
    const tokens = tokenizeWords(text);
    const vocab = Vocabulary.build(tokens);
    expect(vocab.decode(vocab.encode(tokens))).toEqual(tokens);
  });

  it('without an unk token, unknown tokens are an error', () => {
    const vocab = Vocabulary.build(TOKENS, { specials: [] });
    expect(vocab.unk).toBeNull();
    expect(vocab.unkId).toBe(-1);
    expect(() => vocab.encode(['dog'])).toThrow(/unknown token 'dog' and the vocabulary has no unk token/);
    expect(() => vocab.decode([99])).toThrow(IndexError);
  });

  it('counts specials seen in the text and builds from merged counts', () => {
    const counts = countTokens(['a', '<eos>', 'b']);
    countTokens(['a', '<eos>'], counts);
    const vocab = Vocabulary.fromCounts(counts, { specials: ['<unk>', '<eos>'] });
    expect(vocab.tokens).toEqual(['<unk>', '<eos>', 'a', 'b']);
    expect(vocab.counts).toEqual([0, 2, 2, 1]);
  });

  it('validates options', () => {
    expect(() => Vocabulary.build(TOKENS, { minCount: 0 })).toThrow(ValueError);
    expect(() => Vocabulary.build(TOKENS, { specials: ['<pad>'], unk: '<unk>' })).toThrow(
      /must be one of the specials/,
    );
    expect(() => Vocabulary.build(TOKENS, { specials: ['<a>', '<a>'] })).toThrow(/duplicate specials/);
    expect(() => Vocabulary.build(TOKENS, { maxSize: 0 })).toThrow(/leaves no room for the 1 specials/);
  });
});

describe('Vocabulary JSON', () => {
  it('round-trips through JSON.stringify / fromJSON', () => {
    const vocab = Vocabulary.build(TOKENS, { specials: ['<unk>', '<eos>'], minCount: 1 });
    const copy = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
    expect(copy.tokens).toEqual(vocab.tokens);
    expect(copy.counts).toEqual(vocab.counts);
    expect(copy.specials).toEqual(vocab.specials);
    expect(copy.unk).toBe('<unk>');
    expect([...copy.encode(TOKENS)]).toEqual([...vocab.encode(TOKENS)]);
  });

  it('round-trips through a file', () => {
    const dir = tempDir();
    try {
      const vocab = Vocabulary.build(TOKENS, { specials: [] });
      const path = join(dir.path, 'nested', 'vocab.json');
      saveVocabulary(vocab, path);
      expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('mlblocks-vocabulary');
      const back = loadVocabulary(path);
      expect(back.tokens).toEqual(vocab.tokens);
      expect(back.unk).toBeNull();
      writeFileSync(path, '{"format": "mlblocks-vocabulary", ');
      expect(() => loadVocabulary(path)).toThrow(DataFormatError);
      expect(() => loadVocabulary(join(dir.path, 'none.json'))).toThrow(DataNotFoundError);
    } finally {
      dir.cleanup();
    }
  });

  const good = (): VocabularyJSON => ({
    format: 'mlblocks-vocabulary',
    version: 1,
    unk: '<unk>',
    specials: ['<unk>'],
    tokens: ['<unk>', 'the', 'cat'],
    counts: [0, 3, 2],
  });

  it.each([
    ['not an object', () => [1, 2], /expected a JSON object/],
    [
      'another format',
      () => ({ ...good(), format: 'other' }),
      /format is "other", expected "mlblocks-vocabulary"/,
    ],
    ['another version', () => ({ ...good(), version: 2 }), /version 2 is not supported \(expected 1\)/],
    [
      'tokens not strings',
      () => ({ ...good(), tokens: ['<unk>', 1, 'cat'] }),
      /tokens must be an array of strings/,
    ],
    ['specials missing', () => ({ ...good(), specials: undefined }), /specials must be an array of strings/],
    ['counts missing', () => ({ ...good(), counts: 'many' }), /counts must be an array of numbers/],
    ['counts of another length', () => ({ ...good(), counts: [0, 3] }), /3 tokens but 2 counts/],
    [
      'a negative count',
      () => ({ ...good(), counts: [0, -3, 2] }),
      /count -3 of token 1 is not a non-negative integer/,
    ],
    ['a fractional count', () => ({ ...good(), counts: [0, 1.5, 2] }), /count 1\.5 of token 1/],
    [
      'a duplicate token',
      () => ({ ...good(), tokens: ['<unk>', 'cat', 'cat'] }),
      /token 'cat' appears twice/,
    ],
    ['an empty token', () => ({ ...good(), tokens: ['<unk>', '', 'cat'] }), /token 1 is the empty string/],
    [
      'specials not first',
      () => ({ ...good(), specials: ['<unk>', '<eos>'] }),
      /special '<eos>' must have id 1, found 'the'/,
    ],
    ['unk not a special', () => ({ ...good(), unk: 'cat' }), /unk "cat" must be null or one of the specials/],
  ])('rejects %s with a DataFormatError', (_name, make, message) => {
    expect(() => Vocabulary.fromJSON(make())).toThrow(DataFormatError);
    expect(() => Vocabulary.fromJSON(make())).toThrow(message);
  });
});
