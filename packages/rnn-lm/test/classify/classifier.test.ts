// Many-to-one models: a recurrent classifier and the bag-of-features baseline on small synthetic
// tasks that only order (or only counts) can solve, the padding invariance, the pooled states'
// conventions and the errors.
import { noGrad } from '@mlblocks/autograd';
import { fromArray, Generator, ShapeError, ValueError } from '@mlblocks/core-tensor';
import { crossEntropy } from '@mlblocks/nn-layers';
import { Adam } from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { BagOfFeaturesClassifier, padSequences, SequenceClassifier } from '../../src/index.js';

/** Random sequences over ids 2…5 of length 1…7; label 1 when a 2 comes before the first 3 (order matters). */
function orderTask(n: number, seed: number): { sequences: number[][]; labels: number[] } {
  const g = new Generator(seed);
  const sequences = Array.from({ length: n }, () =>
    Array.from({ length: g.nextInt(1, 8) }, () => g.nextInt(2, 6)),
  );
  const labels = sequences.map((s) => {
    const two = s.indexOf(2);
    const three = s.indexOf(3);
    return two >= 0 && (three < 0 || two < three) ? 1 : 0;
  });
  return { sequences, labels };
}

function trainSteps(
  model: SequenceClassifier | BagOfFeaturesClassifier,
  data: { sequences: number[][]; labels: number[] },
  steps: number,
): number[] {
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const { tokens, lengths } = padSequences(data.sequences);
  const labels = fromArray(Int32Array.from(data.labels));
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = crossEntropy(model.forward(tokens, lengths), labels);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    losses.push(loss.item());
  }
  return losses;
}

function accuracy(
  model: SequenceClassifier | BagOfFeaturesClassifier,
  data: { sequences: number[][]; labels: number[] },
) {
  const { tokens, lengths } = padSequences(data.sequences);
  const predicted = noGrad(() => model.forward(tokens, lengths).array.argmax(-1).toArraySync() as number[]);
  return predicted.filter((p, i) => p === data.labels[i]).length / data.labels.length;
}

describe('SequenceClassifier', () => {
  it('learns a task that needs order (a 2 before the first 3) where the bag of tokens cannot', () => {
    const train = orderTask(160, 1);
    const test = orderTask(256, 2);
    const rnn = new SequenceClassifier({
      vocabSize: 6,
      numClasses: 2,
      input: 'onehot',
      hiddenSize: 16,
      generator: new Generator(3),
    });
    const losses = trainSteps(rnn, train, 80);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.3);
    const bag = new BagOfFeaturesClassifier({ numFeatures: 6, numClasses: 2 });
    trainSteps(bag, train, 80);
    const [ours, baseline] = [accuracy(rnn, test), accuracy(bag, test)];
    expect(ours).toBeGreaterThan(0.95);
    expect(baseline).toBeLessThan(0.9);
  });

  for (const pooling of ['last', 'mean', 'max'] as const) {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      it(`${cell}, ${pooling} pooling, 2 layers, bidirectional: the padding cannot change a logit`, () => {
        const model = new SequenceClassifier({
          vocabSize: 9,
          numClasses: 3,
          cell,
          pooling,
          numLayers: 2,
          bidirectional: true,
          hiddenSize: 5,
          embeddingDim: 4,
          generator: new Generator(7),
        });
        const sequences = [[1, 2, 3, 4], [5, 6], [7]];
        const padded = padSequences(sequences, { padId: 0 });
        const otherPad = padSequences(sequences, { padId: 8 });
        const a = model.forward(padded.tokens, padded.lengths).array.toArraySync() as number[][];
        const b = model.forward(otherPad.tokens, otherPad.lengths).array.toArraySync() as number[][];
        expect(b).toEqual(a);
        // each sequence alone (no padding at all) gives the same logits
        sequences.forEach((s, i) => {
          const alone = padSequences([s]);
          const row = (model.forward(alone.tokens, alone.lengths).array.toArraySync() as number[][])[0]!;
          row.forEach((v, j) => {
            expect(v).toBeCloseTo(a[i]![j]!, 5);
          });
        });
      });
    }
  }

  it("'last' pooling of a bidirectional encoder is [forward state after the last token | backward state after the first]", () => {
    const model = new SequenceClassifier({
      vocabSize: 5,
      numClasses: 2,
      bidirectional: true,
      hiddenSize: 3,
      generator: new Generator(1),
    });
    const { tokens, lengths } = padSequences([[1, 2, 3], [4]]);
    const pooled = model.encode(tokens, lengths).array.toArraySync() as number[][];
    const [outputs] = model.encoder.forward(model.embedding!.forward(tokens), undefined, { lengths }) as [
      { array: { toArraySync(): unknown } },
      unknown,
    ];
    const out = outputs.array.toArraySync() as number[][][]; // [B, T, 2H]
    for (const [b, n] of [
      [0, 3],
      [1, 1],
    ] as const) {
      const forward = out[b]![n - 1]!.slice(0, 3);
      const backward = out[b]![0]!.slice(3);
      pooled[b]!.forEach((v, j) => {
        expect(v).toBeCloseTo([...forward, ...backward][j]!, 6);
      });
    }
  });

  it('rejects bad options, inputs and batches with typed errors naming what fits', () => {
    expect(() => new SequenceClassifier({ vocabSize: 5, numClasses: 1 })).toThrow(ValueError);
    expect(
      () => new SequenceClassifier({ vocabSize: 5, numClasses: 2, cell: 'transformer' as never }),
    ).toThrow(/cell must be one of rnn, lstm, gru/);
    expect(() => new SequenceClassifier({ vocabSize: 5, numClasses: 2, hidden: 3 } as never)).toThrow(
      /hidden/,
    );
    const model = new SequenceClassifier({ vocabSize: 5, numClasses: 2 });
    const { tokens } = padSequences([[1, 2]]);
    expect(() => model.forward(tokens.cast('float32'), [2])).toThrow(ShapeError);
    expect(() => model.forward(tokens, [3])).toThrow(/lengths must be 1 integers in 1…2/);
    expect(() => padSequences([[1], []])).toThrow(/sequence 1 is empty/);
    expect(() => padSequences([[1, 2, 3]], { maxLength: 2 })).toThrow(/more than maxLength 2/);
    expect(padSequences([[1, 2, 3]], { maxLength: 2, truncate: true }).lengths).toEqual([2]);
  });
});
