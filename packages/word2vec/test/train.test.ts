import {
  CorpusError,
  type KeyedVectors,
  prepareCorpus,
  simdAvailable,
  type TrainOptions,
  trainWord2Vec,
} from '@mlblocks/word2vec';
import { shards, trainWord2VecParallel } from '@mlblocks/word2vec/node';
import { describe, expect, it } from 'vitest';
import { TOPIC_OF, topicCorpus } from './helpers/fixtures.js';

const corpus = topicCorpus();

/** Share of each topic word's 5 nearest neighbours that belong to its topic. */
function topicPurity(vectors: KeyedVectors): number {
  let same = 0;
  let all = 0;
  for (const [word, topic] of Object.entries(TOPIC_OF)) {
    for (const { word: n } of vectors.mostSimilar(word, { topN: 5, exclude: ['the'] })) {
      all++;
      if (TOPIC_OF[n] === topic) same++;
    }
  }
  return same / all;
}

const tiny: TrainOptions = { dim: 16, window: 3, negative: 5, sample: 0, epochs: 3, seed: 3 };

describe('prepareCorpus', () => {
  it('keeps words seen min-count times, ids by decreasing count, drops the rest and empty sentences', () => {
    const c = prepareCorpus([['a', 'b', 'a', 'c'], ['c', 'a'], ['d']], { minCount: 2 });
    expect(c.vocabulary.tokens).toEqual(['a', 'c']);
    expect([...c.ids]).toEqual([0, 0, 1, 1, 0]);
    expect([...c.starts]).toEqual([0, 3, 5]);
    expect(c.tokens).toBe(7);
  });

  it('rejects an empty corpus and a vocabulary that min-count empties, saying what it found', () => {
    expect(() => prepareCorpus([], { name: 'empty.txt' })).toThrow(CorpusError);
    expect(() => prepareCorpus([[]], { name: 'empty.txt' })).toThrow(/corpus 'empty.txt' has no words/);
    expect(() => prepareCorpus([['a', 'b', 'a']], { minCount: 5, name: 'x' })).toThrow(
      /min-count 5 leaves no word of corpus 'x' \(3 tokens\): its most frequent word, 'a', occurs 2 times/,
    );
  });
});

describe.each(simdAvailable() ? (['wasm', 'js'] as const) : (['js'] as const))(
  'the fast trainer (%s kernel)',
  (kernel) => {
    for (const arch of ['sg', 'cbow'] as const) {
      it(`${arch}: learns the topics and is reproducible bit for bit`, () => {
        const a = trainWord2Vec(corpus, { ...tiny, arch, kernel });
        const b = trainWord2Vec(corpus, { ...tiny, arch, kernel });
        expect(a.stats.kernel).toBe(kernel);
        expect(Buffer.from(a.vectors.vectors.buffer).equals(Buffer.from(b.vectors.vectors.buffer))).toBe(
          true,
        );
        expect(topicPurity(a.vectors)).toBeGreaterThan(0.9);
        expect(a.stats.trainedWords).toBe(corpus.ids.length * 3);
        expect(a.stats.finalLr).toBeLessThan(0.002);
        const other = trainWord2Vec(corpus, { ...tiny, arch, kernel, seed: 4 });
        expect(other.vectors.vectors).not.toEqual(a.vectors.vectors);
      });
    }

    it('hierarchical softmax alone learns the topics too', () => {
      const { vectors } = trainWord2Vec(corpus, { ...tiny, negative: 0, hs: true, kernel });
      expect(topicPurity(vectors)).toBeGreaterThan(0.9);
    });

    it('works for any dim (rows padded to 4 floats for SIMD) and with subsampling', () => {
      const { vectors } = trainWord2Vec(corpus, { ...tiny, dim: 7, sample: 1e-2, kernel });
      expect(vectors.dim).toBe(7);
      expect(vectors.vectors.every(Number.isFinite)).toBe(true);
      expect(topicPurity(vectors)).toBeGreaterThan(0.8);
    });
  },
);

describe('Hogwild worker threads', () => {
  it('one worker gives the same vectors as the calling thread, bit for bit', async () => {
    const inline = trainWord2Vec(corpus, { ...tiny, arch: 'cbow' });
    const worker = await trainWord2VecParallel(corpus, { ...tiny, arch: 'cbow', threads: 1 });
    expect(
      Buffer.from(worker.vectors.vectors.buffer).equals(Buffer.from(inline.vectors.vectors.buffer)),
    ).toBe(true);
  });

  it('two workers share the weights, report progress and learn the topics', async () => {
    const seen: number[] = [];
    const { vectors, stats } = await trainWord2VecParallel(corpus, {
      ...tiny,
      epochs: 5,
      threads: 2,
      progressInterval: 1,
      onProgress: (p) => seen.push(p.words),
    });
    expect(stats.threads).toBe(2);
    expect(seen.at(-1)).toBe(corpus.ids.length * 5);
    expect(topicPurity(vectors)).toBeGreaterThan(0.9);
  });

  it('splits sentences into shards of about equal words', () => {
    const starts = Int32Array.from([0, 10, 20, 30, 40, 100]);
    expect(shards(starts, 2)).toEqual([
      [0, 5],
      [5, 5],
    ]);
    expect(shards(Int32Array.from([0, 10, 20, 30, 40]), 2)).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });

  it('rejects bad options with the value', async () => {
    await expect(trainWord2VecParallel(corpus, { threads: 0 })).rejects.toThrow(
      /threads must be a positive integer, got 0/,
    );
    expect(() => trainWord2Vec(corpus, { negative: 0 })).toThrow(/nothing would be trained/);
    expect(() => trainWord2Vec(corpus, { dim: 2.5 })).toThrow(/dim must be a positive integer/);
  });
});
