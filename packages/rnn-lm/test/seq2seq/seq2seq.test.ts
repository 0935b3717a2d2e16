// The encoder–decoder: padding changes nothing (encoder states, logits, attention), attention
// weights are distributions that ignore padding, decoding agrees with the model's own
// probabilities, the length limit stops a decoder that never ends, and a tiny model learns to
// reverse sequences with and without attention.
import { noGrad, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, memory, type NDArray, setDefaultBackend, tidy } from '@mlblocks/core-tensor';
import { LSTM } from '@mlblocks/nn-layers';
import { Adam } from '@mlblocks/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AttentionKind,
  beamSearch,
  greedyDecode,
  IGNORE_INDEX,
  Seq2Seq,
  type Seq2SeqConfig,
  seq2seqConfig,
} from '../../src/index.js';

beforeAll(() => setDefaultBackend('cpu'));

// source tokens 1..6 (0 = padding); target tokens 3..8 are the digits, 0 pad, 1 bos, 2 eos
const BOS = 1;
const EOS = 2;
const tiny = (attention: AttentionKind, extra: Partial<Seq2SeqConfig> = {}) =>
  seq2seqConfig({
    srcVocabSize: 7,
    tgtVocabSize: 9,
    bos: BOS,
    eos: EOS,
    embeddingDim: 8,
    hiddenSize: 16,
    attention,
    attentionDim: 12,
    ...extra,
  });

const int = (rows: number[][]) => fromArray(rows, { dtype: 'int32' });
const pad = (seqs: number[][], value: number) => {
  const n = Math.max(...seqs.map((s) => s.length));
  return seqs.map((s) => [...s, ...Array(n - s.length).fill(value)]);
};
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
};

describe.each([
  ['none', 'lstm', true],
  ['additive', 'lstm', true],
  ['dot', 'gru', true],
  ['dot', 'lstm', false],
] as const)('Seq2Seq, attention %s, %s, bidirectional %s', (attention, cell, bidirectional) => {
  const model = new Seq2Seq(tiny(attention, { cell, bidirectional }), { seed: 3 });
  const sources = [
    [1, 2, 3, 4, 5],
    [6, 1],
    [2, 2, 3],
  ];
  const targets = [[3, 4], [5, 6, 7, 8], [3]];

  it('gives each padded source the results it has alone', () => {
    const src = int(pad(sources, 0));
    const lengths = sources.map((s) => s.length);
    const tgtIn = int(
      pad(
        targets.map((t) => [BOS, ...t]),
        0,
      ),
    );
    noGrad(() => {
      const batch = model.forward(src, tgtIn, { srcLengths: lengths });
      const memoryOf = model.encode(src, lengths);
      sources.forEach((s, b) => {
        const alone = model.forward(int([s]), tgtIn.slice([b, b + 1]).contiguous());
        const T = targets[b]!.length + 1;
        close(batch.logits.slice(b, [0, T]).dataSync(), alone.logits.slice(0, [0, T]).dataSync());
        const own = model.encode(int([s]));
        for (const [j, part] of memoryOf.final.entries()) {
          close(part.slice(b).dataSync(), own.final[j]!.slice(0).dataSync());
        }
        close(memoryOf.values.slice(b, [0, s.length]).dataSync(), own.values.slice(0).dataSync());
        if (attention !== 'none') {
          const w = batch.attention!.slice(b, [0, T]); // [T, S]
          close(w.slice(null, [0, s.length]).dataSync(), alone.attention!.slice(0, [0, T]).dataSync());
          if (s.length < src.shape[1]!) {
            expect(Math.max(...w.slice(null, [s.length, null]).dataSync())).toBeLessThan(1e-12);
          }
        } else {
          expect(batch.attention).toBeNull();
        }
      });
    });
  });

  it('returns attention weights that sum to 1 over the source', () => {
    if (attention === 'none') return;
    const { attention: weights } = noGrad(() =>
      model.forward(
        int(pad(sources, 0)),
        int(
          pad(
            targets.map((t) => [BOS, ...t]),
            0,
          ),
        ),
        {
          srcLengths: sources.map((s) => s.length),
        },
      ),
    );
    expect(weights!.shape).toEqual([3, 5, 5]);
    close(weights!.sum(-1).dataSync(), new Float32Array(15).fill(1));
  });

  it('decodes with the probabilities the model assigns (greedy, and beam width 1 = greedy)', () => {
    const src = int([sources[0]!]);
    const [g] = greedyDecode(model, src, { maxLength: 6 });
    const [b1] = beamSearch(model, src, { beamWidth: 1, maxLength: 6 });
    expect(b1!.tokens).toEqual(g!.tokens);
    expect(b1!.logProb).toBeCloseTo(g!.logProb, 4);
    const beams = beamSearch(model, src, { beamWidth: 4, maxLength: 6 });
    for (let i = 1; i < beams.length; i++)
      expect(beams[i - 1]!.logProb).toBeGreaterThanOrEqual(beams[i]!.logProb);
    for (const d of [g!, beams[0]!]) {
      // teacher-forced log-probability of the decoded tokens (and eos, if emitted)
      const out = d.finished ? [...d.tokens, EOS] : d.tokens;
      if (out.length === 0) continue;
      const logp = noGrad(() => {
        const { logits } = model.forward(src, int([[BOS, ...out.slice(0, -1)]]));
        return logits.logSoftmax(-1).dataSync();
      });
      const V = model.config.tgtVocabSize;
      const expected = out.reduce((sum, tok, t) => sum + logp[t * V + tok]!, 0);
      expect(d.logProb).toBeCloseTo(expected, 3);
      if (attention !== 'none') expect(d.attention.length).toBe(out.length);
    }
  });
});

describe('the encoder on padded batches', () => {
  it("matches nn-layers' bidirectional LSTM with { lengths } (PyTorch's packed sequences)", () => {
    const model = new Seq2Seq(tiny('none'), { seed: 2 });
    const lstm = new LSTM(8, 8, { bidirectional: true });
    lstm.cells[0]!.loadStateDict(model.encoderCells[0]!.stateDict());
    lstm.cellsReverse[0]!.loadStateDict(model.encoderCells[1]!.stateDict());
    const sources = [
      [1, 2],
      [3, 4, 5, 6, 1],
      [2, 2, 3],
    ];
    const lengths = sources.map((s) => s.length);
    const src = int(pad(sources, 0));
    noGrad(() => {
      const memory = model.encode(src, lengths);
      const x = model.srcEmbedding.forward(src.transpose(0, 1));
      const [out, [hN, cN]] = lstm.forward(x, undefined, { lengths });
      sources.forEach((s, b) => {
        close(memory.values.slice(b, [0, s.length]).dataSync(), out.slice([0, s.length], b).dataSync());
      });
      // final states: [forwards; backwards] per source
      close(memory.final[0]!.dataSync(), hN.permute(1, 0, 2).reshape(3, 16).dataSync());
      close(memory.final[1]!.dataSync(), cN.permute(1, 0, 2).reshape(3, 16).dataSync());
    });
  });
});

describe('decoding limits', () => {
  it('stops a decoder that never emits eos at maxLength (greedy and beam)', () => {
    const model = new Seq2Seq(tiny('dot'), { seed: 1 });
    const bias = [...model.output.bias!.dataSync()];
    bias[EOS] = -1e4;
    model.output.bias = tensor(fromArray(bias), { requiresGrad: true });
    const src = int([[1, 2, 3]]);
    const [g] = greedyDecode(model, src, { maxLength: 7 });
    expect(g!.finished).toBe(false);
    expect(g!.tokens.length).toBe(7);
    expect(g!.tokens).not.toContain(EOS);
    expect(g!.attention.length).toBe(7);
    const [b] = beamSearch(model, src, { beamWidth: 3, maxLength: 7 });
    expect(b!.finished).toBe(false);
    expect(b!.tokens.length).toBe(7);
    // the default limit is 2·S + 10
    expect(greedyDecode(model, src)[0]!.tokens.length).toBe(16);
  });

  it('rejects bad input with clear errors', () => {
    const model = new Seq2Seq(tiny('additive'));
    expect(() => model.encode(fromArray(new Int32Array(0), { shape: [1, 0], dtype: 'int32' }))).toThrow(
      /empty/,
    );
    expect(() => model.encode(fromArray([[1, 2]]))).toThrow(/int32/);
    expect(() => model.encode(int([[1, 2]]), [3])).toThrow(/srcLengths\[0\]/);
    expect(() => model.encode(int([[1, 2]]), [1, 1])).toThrow(/2 entries for a batch of 1/);
    expect(() => model.encode(int([[1, 9]]))).toThrow(/9/);
    expect(() => beamSearch(model, int([[1], [2]]))).toThrow(/one source at a time/);
    expect(() => greedyDecode(model, int([[1]]), { maxLength: 0 })).toThrow(/maxLength/);
    expect(() => tiny('dot', { hiddenSize: 15 })).toThrow(/even/);
    expect(() => tiny('luong' as AttentionKind)).toThrow(/attention must be one of/);
    expect(() => tiny('none', { eos: 9 })).toThrow(/eos must be a target id/);
  });
});

// reverse a sequence of 2–5 digits: the encoder must carry the whole input to the decoder
function reversal(count: number, generator: Generator): { src: number[]; tgt: number[] }[] {
  return Array.from({ length: count }, () => {
    const n = 2 + Math.floor(generator.nextFloat() * 4);
    const src = Array.from({ length: n }, () => 1 + Math.floor(generator.nextFloat() * 6));
    return { src, tgt: [...src].reverse().map((d) => d + 2) };
  });
}

function batchOf(pairs: { src: number[]; tgt: number[] }[]): {
  src: NDArray;
  tgtIn: NDArray;
  tgtOut: NDArray;
  lengths: number[];
} {
  return {
    src: int(
      pad(
        pairs.map((p) => p.src),
        0,
      ),
    ),
    tgtIn: int(
      pad(
        pairs.map((p) => [BOS, ...p.tgt]),
        0,
      ),
    ),
    tgtOut: int(
      pad(
        pairs.map((p) => [...p.tgt, EOS]),
        IGNORE_INDEX,
      ),
    ),
    lengths: pairs.map((p) => p.src.length),
  };
}

describe.each(['none', 'dot', 'additive'] as const)('learning to reverse, attention %s', (attention) => {
  it('the loss falls and greedy decoding reverses most held-out sequences', () => {
    const model = new Seq2Seq(tiny(attention, { hiddenSize: 32, embeddingDim: 12 }), { seed: 0 });
    const optimizer = new Adam(model.parameters(), { lr: 0.02 });
    const generator = new Generator(5);
    const before = memory().ndarrays;
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      const b = batchOf(reversal(32, generator));
      losses.push(
        tidy(() => {
          const loss = model.loss(b.src, b.tgtIn, b.tgtOut, { srcLengths: b.lengths });
          model.zeroGrad();
          loss.backward();
          optimizer.step();
          model.zeroGrad();
          return loss.item();
        }),
      );
      for (const a of [b.src, b.tgtIn, b.tgtOut]) a.dispose();
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(0.5 * mean(losses.slice(0, 10)));
    const test = reversal(40, new Generator(99));
    const b = batchOf(test);
    const decoded = greedyDecode(model, b.src, { srcLengths: b.lengths });
    const right = decoded.filter((d, i) => d.tokens.join() === test[i]!.tgt.join()).length;
    expect(right / test.length).toBeGreaterThan(0.5);
    for (const a of [b.src, b.tgtIn, b.tgtOut]) a.dispose();
    expect(memory().ndarrays - before).toBeLessThan(60); // optimizer state only, no leak per step
  }, 60_000);
});
