import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatFloat32,
  KeyedVectors,
  looksBinary,
  parseWord2VecBinary,
  parseWord2VecText,
  projectorTsv,
  serializeWord2VecBinary,
  serializeWord2VecText,
  VectorFormatError,
} from '@mlblocks/word2vec';
import { loadWord2Vec, saveProjectorTsv, saveWord2Vec } from '@mlblocks/word2vec/node';
import { describe, expect, it } from 'vitest';
import { fixture, tempDir } from './helpers/fixtures.js';

const small = new KeyedVectors(
  ['the', 'café', 'king'],
  Float32Array.from([0.5, -1.25, 1e-5, 3, -0, 123456.78]),
  2,
);

function thrown(f: () => unknown): VectorFormatError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(VectorFormatError);
    return error as VectorFormatError;
  }
  throw new Error('expected a VectorFormatError');
}

describe('float32 as numpy prints it (what gensim writes)', () => {
  it('uses the shortest round-trip digits, positional in [1e-4, 1e16), else scientific', () => {
    // the expected strings are repr(numpy.float32(v)) from numpy 1.24 (Debian 12)
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1, '1.0'],
      [-2.5, '-2.5'],
      [1e-5, '1e-05'],
      [1.5e-5, '1.5e-05'],
      [0.00012345, '0.00012345'],
      [0.000099, '9.9e-05'],
      [123456.78, '123456.78'],
      [1e16, '1e+16'],
      [3.4e38, '3.4e+38'],
      [-0, '-0.0'],
      [0, '0.0'],
      [1.17549435e-38, '1.1754944e-38'],
      [1e-45, '1e-45'],
      [1e-4, '1e-04'],
      [9.999999e15, '9999999000000000.0'],
      [16777216, '16777216.0'],
    ];
    for (const [v, text] of cases) expect(formatFloat32(v), String(v)).toBe(text);
  });

  it('reads back to the same float32', () => {
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const v = Math.fround((x / 2 ** 32 - 0.5) * 10 ** ((i % 12) - 8));
      expect(Math.fround(Number(formatFloat32(v)))).toBe(v);
    }
  });
});

describe('word2vec text and binary formats', () => {
  it('reads the gensim fixture and writes it back byte for byte (text and binary)', () => {
    const textBytes = readFileSync(fixture('gensim-small.txt'));
    const binBytes = readFileSync(fixture('gensim-small.bin'));
    const fromText = parseWord2VecText(textBytes);
    const fromBin = parseWord2VecBinary(binBytes);
    expect(fromText.size).toBe(14);
    expect(fromText.dim).toBe(8);
    expect(fromText.words).toContain('café');
    expect(fromBin.words).toEqual(fromText.words);
    expect(fromBin.vectors).toEqual(fromText.vectors); // repr's digits read back to the same float32
    expect(serializeWord2VecText(fromText)).toBe(textBytes.toString('utf8'));
    expect(Buffer.from(serializeWord2VecBinary(fromBin)).equals(binBytes)).toBe(true);
    expect(looksBinary(binBytes)).toBe(true);
    expect(looksBinary(textBytes)).toBe(false);
  });

  it("writes the C tool's flavour: %lf values each followed by a space; a newline after each binary vector", () => {
    const text = serializeWord2VecText(small, { style: 'c' });
    expect(text.split('\n')[1]).toBe('the 0.500000 -1.250000 ');
    expect(text.split('\n')[3]).toBe('king -0.000000 123456.781250 ');
    const bin = serializeWord2VecBinary(small, { style: 'c' });
    expect(new TextDecoder().decode(bin.subarray(0, 8))).toBe('3 2\nthe ');
    expect(bin[8 + 8]).toBe(0x0a);
    const back = parseWord2VecBinary(bin);
    expect(back.words).toEqual(small.words);
    expect(back.vectors).toEqual(small.vectors);
    expect(parseWord2VecText(text).vectors[0]).toBe(0.5);
  });

  it('round-trips exactly through both formats', () => {
    const text = parseWord2VecText(serializeWord2VecText(small));
    expect(text.words).toEqual(['the', 'café', 'king']);
    expect(text.vectors).toEqual(small.vectors);
    expect(parseWord2VecBinary(serializeWord2VecBinary(small)).vectors).toEqual(small.vectors);
  });

  it('rejects malformed text files, naming the line', () => {
    expect(thrown(() => parseWord2VecText('3 2\na 1 2\nb 1 2\n')).message).toMatch(
      /vectors\.txt:4: the header declares 3 vectors, the file holds 2/,
    );
    expect(thrown(() => parseWord2VecText('1 2\na 1 2\nb 1 2\n')).message).toMatch(
      /:3: more vectors than the 1/,
    );
    const short = thrown(() => parseWord2VecText('2 3\na 1 2 3\nb 1 2\n', 'v.txt'));
    expect(short.message).toMatch(/v\.txt:3: 'b' has 2 values, expected 3/);
    expect(short.line).toBe(3);
    expect(thrown(() => parseWord2VecText('1 2\na 1 x2\n')).message).toMatch(
      /:2: bad float "x2" \(value 2 of 'a'\)/,
    );
    expect(thrown(() => parseWord2VecText('1 2\na 1 nan\n')).message).toMatch(/bad float "nan"/);
    expect(thrown(() => parseWord2VecText('1 2\na 1 1e39\n')).message).toMatch(/overflows float32/);
    expect(thrown(() => parseWord2VecText('two 2\na 1 2\n')).message).toMatch(/:1: bad header "two 2"/);
    expect(thrown(() => parseWord2VecText('2 1\na 1\na 2\n')).message).toMatch(/:3: 'a' appears twice/);
    expect(
      thrown(() => parseWord2VecText(new Uint8Array([0x31, 0x20, 0x31, 0x0a, 0xff, 0x20, 0x31]))).message,
    ).toMatch(/not valid UTF-8/);
  });

  it('rejects malformed binary files, naming the byte offset', () => {
    const bin = serializeWord2VecBinary(small);
    const cut = thrown(() => parseWord2VecBinary(bin.subarray(0, bin.length - 3)));
    expect(cut.message).toMatch(/vectors\.bin@\d+: truncated: the vector of 'king' needs 8 bytes, 5 left/);
    expect(cut.byteOffset).toBe(bin.length - 8);
    const missing = thrown(() => parseWord2VecBinary(bin.subarray(0, 4 + 4 + 8)));
    expect(missing.message).toMatch(/@16: truncated: the header declares 3 vectors, the file ends after 1/);
    expect(thrown(() => parseWord2VecBinary(new TextEncoder().encode('3 2'))).message).toMatch(
      /@0: no header line/,
    );
    const extra = new Uint8Array([...bin, 0x41]);
    expect(thrown(() => parseWord2VecBinary(extra)).message).toMatch(
      new RegExp(`@${bin.length}: 1 bytes after the 3 vectors`),
    );
    const nan = Uint8Array.from(bin);
    new DataView(nan.buffer).setFloat32(4 + 4, Number.NaN, true);
    expect(thrown(() => parseWord2VecBinary(nan)).message).toMatch(/@8: value 1 of 'the' is NaN/);
  });

  it('refuses to write words the formats cannot hold', () => {
    const bad = new KeyedVectors(['two words'], Float32Array.from([1]), 1);
    expect(() => serializeWord2VecText(bad)).toThrow(/without whitespace/);
    expect(() => serializeWord2VecBinary(bad)).toThrow(/without whitespace/);
  });

  it('exports the Embedding Projector TSVs', () => {
    const { vectors, metadata } = projectorTsv(small);
    expect(vectors.split('\n')[0]).toBe('0.5\t-1.25');
    expect(metadata).toBe('the\ncafé\nking\n');
    expect(vectors.trimEnd().split('\n')).toHaveLength(3);
  });
});

describe('files (atomic)', () => {
  it('saves and loads text, binary and the projector TSVs; nothing half-written is left', async () => {
    const dir = tempDir();
    try {
      await saveWord2Vec(small, join(dir.path, 'v.txt'));
      await saveWord2Vec(small, join(dir.path, 'v.bin'));
      const files = await saveProjectorTsv(small, dir.path);
      expect((await loadWord2Vec(join(dir.path, 'v.txt'))).vectors).toEqual(small.vectors);
      expect((await loadWord2Vec(join(dir.path, 'v.bin'))).vectors).toEqual(small.vectors);
      expect(readFileSync(files.metadata, 'utf8')).toBe('the\ncafé\nking\n');
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(dir.path).sort()).toEqual(['metadata.tsv', 'v.bin', 'v.txt', 'vectors.tsv']);
      await expect(loadWord2Vec(join(dir.path, 'none.txt'))).rejects.toThrow(/no file at/);
    } finally {
      dir.cleanup();
    }
  });
});
