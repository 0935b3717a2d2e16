import { noGrad, tensor } from '@mlblocks/autograd';
import { fromArray, tidy } from '@mlblocks/core-tensor';
import { bceWithLogits } from '@mlblocks/nn-layers';
import {
  logSigmoid,
  SkipGramModel,
  simdAvailable,
  trainSkipGramTeaching,
  updateOutputRow,
} from '@mlblocks/word2vec';
import { describe, expect, it } from 'vitest';
import { simdModuleBytes } from '../src/train/simd-module.js';
import { TOPIC_OF, topicCorpus } from './helpers/fixtures.js';

const V = 6;
const DIM = 8;
const LR = 0.3;
const INPUT = 2;
const TARGETS = [4, 0, 5, 1]; // the word the input predicts, then 3 distinct negatives

/** A model whose output vectors are not zero, so every gradient term is exercised. */
function model(): SkipGramModel {
  const m = new SkipGramModel(V, DIM, { seed: 11 });
  const out = Float32Array.from({ length: V * DIM }, (_, i) => Math.sin(i * 1.7) * 0.4);
  const input = Float32Array.from({ length: V * DIM }, (_, i) => Math.cos(i * 0.9) * 0.5);
  noGrad(() => {
    m.output.weight.assign(fromArray(out, { shape: [V, DIM] }));
    m.input.weight.assign(fromArray(input, { shape: [V, DIM] }));
  });
  return m;
}

/** The fast trainer's update of one input against TARGETS, with `row` as its kernel. */
function fastUpdate(
  syn0: Float32Array,
  row: (h: Float64Array, e: Float64Array, target: number, label: number) => void,
): void {
  const h = Float64Array.from(syn0.subarray(INPUT * DIM, (INPUT + 1) * DIM));
  const e = new Float64Array(DIM);
  for (const [d, t] of TARGETS.entries()) row(h, e, t, d === 0 ? 1 : 0);
  for (let c = 0; c < DIM; c++) syn0[INPUT * DIM + c] += e[c]!;
}

describe('the teaching path (autograd + nn-layers)', () => {
  it('logSigmoid is log σ, stable at large |x|, and −logSigmoid is bceWithLogits with label 1', () => {
    const x = tensor([-800, -3, 0, 2.5, 800]);
    const y = logSigmoid(x).dataSync();
    expect(y[0]).toBeCloseTo(-800, 3);
    expect(y[1]).toBeCloseTo(Math.log(1 / (1 + Math.exp(3))), 6);
    expect(y[2]).toBeCloseTo(Math.log(0.5), 6);
    expect(y[4]).toBe(0);
    const bce = bceWithLogits(tensor([2.5]), tensor([1])).item();
    expect(-logSigmoid(tensor([2.5])).item()).toBeCloseTo(bce, 6);
  });

  it("gives gradients equal to the fast trainer's update (÷ −lr) on one example — JavaScript and SIMD kernels", () => {
    const m = model();
    const syn0 = Float32Array.from(m.input.weight.dataSync());
    const syn1neg = Float32Array.from(m.output.weight.dataSync());
    tidy(() => {
      const loss = m.loss(fromArray([INPUT], { dtype: 'int32' }), fromArray([TARGETS], { dtype: 'int32' }));
      loss.backward();
    });
    const gradIn = m.input.weight.grad!.dataSync();
    const gradOut = m.output.weight.grad!.dataSync();

    const kernels: [
      string,
      (h: Float64Array, e: Float64Array, t: number, label: number, out: Float32Array) => void,
    ][] = [['js', (h, e, t, label, out) => updateOutputRow(out, t * DIM, h, e, DIM, label, LR)]];
    if (simdAvailable()) {
      // the SIMD kernel on wasm memory: out rows at 0, h and e after them
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(simdModuleBytes(false, 1)), {
        env: { memory, exp: Math.exp },
      });
      const heap = new Float32Array(memory.buffer);
      const row = exports.row as (
        out: number,
        h: number,
        e: number,
        n: number,
        label: number,
        lr: number,
      ) => number;
      kernels.push([
        'wasm',
        (h, e, t, label, out) => {
          const [hAt, eAt] = [V * DIM, V * DIM + DIM];
          heap.set(out.subarray(0, V * DIM), 0);
          heap.set(Float32Array.from(h), hAt);
          heap.set(Float32Array.from(e), eAt);
          row(t * DIM * 4, hAt * 4, eAt * 4, DIM, label, LR);
          out.set(heap.subarray(0, V * DIM));
          e.set(heap.subarray(eAt, eAt + DIM));
        },
      ]);
    }
    for (const [name, kernel] of kernels) {
      const s0 = Float32Array.from(syn0);
      const s1 = Float32Array.from(syn1neg);
      fastUpdate(s0, (h, e, t, label) => kernel(h, e, t, label, s1));
      for (let i = 0; i < V * DIM; i++) {
        expect((s0[i]! - syn0[i]!) / -LR, `${name} syn0[${i}]`).toBeCloseTo(gradIn[i]!, 5);
        expect((s1[i]! - syn1neg[i]!) / -LR, `${name} syn1neg[${i}]`).toBeCloseTo(gradOut[i]!, 5);
      }
      // the example touches the input row and the four target rows, nothing else
      expect(s0.filter((v, i) => v !== syn0[i]).length).toBe(DIM);
    }
    expect(gradIn.some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });

  it('trains skip-gram with autograd on a small corpus: the loss falls and topics come out', () => {
    const corpus = topicCorpus(150);
    const { vectors, losses } = trainSkipGramTeaching(corpus, {
      dim: 12,
      window: 3,
      epochs: 3,
      sample: 0,
      lr: 0.02,
      batchSize: 48,
    });
    expect(losses).toHaveLength(3);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    let same = 0;
    for (const word of ['king', 'tax', 'war']) {
      for (const n of vectors.mostSimilar(word, { topN: 3, exclude: ['the'] }))
        if (TOPIC_OF[n.word] === TOPIC_OF[word]) same++;
    }
    expect(same).toBeGreaterThanOrEqual(7);
  });
});
