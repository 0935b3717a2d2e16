// Unknown options are errors in datasets too (issue #15, finding 7): named, with the valid ones.
import { ValueError } from '@mlblocks/core-tensor';
import {
  aliasTable,
  arrayDataset,
  batchify,
  DataLoader,
  decodeIdx,
  gunzip,
  loadFashionMnist,
  loadIdxSplit,
  loadStateOfTheUnion,
  negativeSamplingTable,
  normalize,
  readIdxFile,
  subsamplingKeepProbabilities,
  toFloat,
  tokenizeChars,
  tokenizeSentences,
  tokenizeWords,
  trainValidTestSplit,
  Vocabulary,
} from '@mlblocks/datasets/node';
import { describe, expect, it } from 'vitest';

const counts = [3, 1];

describe('datasets functions reject unknown options', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'DataLoader { batch_size }',
      () =>
        new DataLoader(arrayDataset('d', { x: { data: new Float32Array([1, 2]), shape: [1] } }), {
          batchSize: 1,
          batch_size: 2,
        } as never),
      /DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?\); valid options: batchSize, shuffle, seed, generator, dropLast, transforms, backend/,
    ],
    [
      'Vocabulary.build { min_count }',
      () => Vocabulary.build(['a'], { min_count: 2 } as never),
      /Vocabulary\.build: unknown option 'min_count' \(did you mean 'minCount'\?\)/,
    ],
    [
      'Vocabulary.fromCounts { maxTokens }',
      () => Vocabulary.fromCounts(new Map([['a', 3]]), { maxTokens: 2 } as never),
      /unknown option 'maxTokens'/,
    ],
    [
      'tokenizeWords { lower }',
      () => tokenizeWords('x', { lower: true } as never),
      /tokenizeWords: unknown option 'lower'/,
    ],
    [
      'tokenizeSentences { lowercase }',
      () => tokenizeSentences('x', { lowercase: true } as never),
      /tokenizeSentences: unknown option 'lowercase'; valid options: words/,
    ],
    [
      'tokenizeChars { punctuation }',
      () => tokenizeChars('x', { punctuation: 'keep' } as never),
      /tokenizeChars: unknown option 'punctuation'/,
    ],
    [
      'subsampling { sample }',
      () => subsamplingKeepProbabilities(counts, { sample: 1e-3 } as never),
      /unknown option 'sample'; valid options: threshold, formula/,
    ],
    [
      'negativeSamplingTable { tableSize }',
      () => negativeSamplingTable(counts, { tableSize: 10 } as never),
      /did you mean 'size'\?/,
    ],
    [
      'aliasTable { exponent }',
      () => aliasTable(counts, { exponent: 0.75 } as never),
      /aliasTable: unknown option 'exponent'/,
    ],
    [
      'batchify { device }',
      () => batchify([1, 2, 3, 4], 2, { device: 'cpu' } as never),
      /batchify: unknown option 'device'; valid options: backend/,
    ],
    ['toFloat { divisor }', () => toFloat({ divisor: 255 } as never), /toFloat: unknown option 'divisor'/],
    [
      'normalize { stdev }',
      () => normalize({ mean: 0, std: 1, stdev: 1 } as never),
      /normalize: unknown option 'stdev'/,
    ],
    [
      'trainValidTestSplit { train }',
      () => trainValidTestSplit([1, 2, 3], { train: 0.8 } as never),
      /trainValidTestSplit: unknown option 'train'/,
    ],
    [
      'loadStateOfTheUnion { year }',
      () => loadStateOfTheUnion({ year: 2000 } as never),
      /loadStateOfTheUnion: unknown option 'year'; valid options: from, to/,
    ],
    [
      'loadIdxSplit { classes }',
      () => loadIdxSplit('/nonexistent', 'train', { classes: [] } as never),
      /loadIdxSplit: unknown option 'classes'/,
    ],
    [
      'loadFashionMnist { path }',
      () => loadFashionMnist({ path: '/x' } as never),
      /loadFashionMnist: unknown option 'path'; valid options: dir/,
    ],
    [
      'readIdxFile { type }',
      () => readIdxFile('/nonexistent', { type: 'uint8' } as never),
      /readIdxFile: unknown option 'type'/,
    ],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });

  it('async ones too', async () => {
    await expect(decodeIdx(new Uint8Array(0), { maxSize: 1 } as never)).rejects.toThrow(
      /decodeIdx: unknown option 'maxSize'; valid options: dtype, shape, name, maxBytes/,
    );
    await expect(gunzip(new Uint8Array(0), 'x', { limit: 1 } as never)).rejects.toThrow(
      /gunzip: unknown option 'limit'/,
    );
  });
});
