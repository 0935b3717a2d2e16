// The lesson's worked examples ("the seed"), computed by the library.
import { fromArray } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from './helpers/reference.js';

describe('lesson worked examples', () => {
  it('scores W·x + b for the 4-pixel, 3-class example are [−96.8, 437.9, 60.75]', () => {
    const W = fromArray([
      [0.2, -0.5, 0.1, 2.0],
      [1.5, 1.3, 2.1, 0.0],
      [0, 0.25, 0.2, -0.3],
    ]);
    const x = fromArray([56, 231, 24, 2]);
    const b = fromArray([1.1, 3.2, -1.2]);
    expectClose(W.matmul(x).add(b).dataSync(), [-96.8, 437.9, 60.75], 1e-6, 1e-4);
    // the slide prints 61.95 for the last score: that is W·x without the bias
    expectClose(W.matmul(x).dataSync().slice(2), [61.95], 1e-6, 1e-4);
  });

  it('exp([3.2, 5.1, −1.7]) ≈ [24.5, 164.0, 0.18] and softmax ≈ [0.13, 0.87, 0.00]', () => {
    const logits = fromArray([3.2, 5.1, -1.7]);
    const e = logits.exp().dataSync();
    expect(Array.from(e, (v) => Number(v.toFixed(1)))).toEqual([24.5, 164.0, 0.2]);
    expect(e[2]).toBeCloseTo(0.18, 2); // the slide prints 0.8 here
    const p = logits.softmax().dataSync();
    expect(Array.from(p, (v) => Number(v.toFixed(2)))).toEqual([0.13, 0.87, 0.0]);
    // softmax = exp / Σexp, step by step
    expectClose(p, logits.exp().div(logits.exp().sum()).dataSync());
    expectClose([Array.from(p).reduce((a, v) => a + v, 0)], [1], 1e-6);
  });
});
