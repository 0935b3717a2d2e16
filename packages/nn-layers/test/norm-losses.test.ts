import { tensor } from '@mlblocks/autograd';
import { fromArray, ShapeError } from '@mlblocks/core-tensor';
import {
  BatchNorm1d,
  BatchNorm2d,
  bceWithLogits,
  crossEntropy,
  Embedding,
  LayerNorm,
  mseLoss,
  nllLoss,
  ResidualBlock,
} from '@mlblocks/nn-layers';
import { describe, expect, it } from 'vitest';
import { expectClose, expectGradcheck, rn } from './helpers.js';

describe('normalisation layers', () => {
  it('BatchNorm1d normalises with batch statistics in training and updates running stats (unbiased var)', () => {
    const bn = new BatchNorm1d(2, { momentum: 0.5 });
    const x = fromArray([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);
    const y = bn.forward(tensor(x)).toArraySync() as number[][];
    const col0 = [1, 3, 5].map((v) => (v - 3) / Math.sqrt(8 / 3 + 1e-5));
    expectClose(
      y.map((r) => r[0]!),
      col0,
    );
    expectClose(bn.runningMean.dataSync(), [0.5 * 3, 0.5 * 30]);
    expectClose(bn.runningVar.dataSync(), [0.5 + 0.5 * 4, 0.5 + 0.5 * 700]);
    bn.eval();
    const z = bn.forward(tensor(x)).toArraySync() as number[][];
    expectClose([z[0]![0]!], [(1 - 1.5) / Math.sqrt(2.5 + 1e-5)]);
    expect(() => bn.forward(tensor(rn(3, 3).cast('float32')))).toThrow(ShapeError);
  });

  it('gradients of BatchNorm (train mode, 1d and 2d) and LayerNorm', () => {
    const bn1 = new BatchNorm1d(3);
    expectGradcheck((x) => bn1.forward(x).mul(x), [rn(4, 3)]);
    const bn2 = new BatchNorm2d(2);
    expectGradcheck((x) => bn2.forward(x).tanh(), [rn(2, 2, 3, 3)]);
    const ln = new LayerNorm([3]);
    expectGradcheck((x) => ln.forward(x).tanh(), [rn(2, 4, 3)]);
    const out = ln.forward(tensor(rn(5, 3).cast('float32')));
    expectClose(out.mean(-1).dataSync(), new Array(5).fill(0), 1e-5);
  });

  it('a residual block keeps or changes resolution and channels', () => {
    expect(new ResidualBlock(4, 4).forward(tensor(rn(2, 4, 6, 6).cast('float32'))).shape).toEqual([
      2, 4, 6, 6,
    ]);
    const down = new ResidualBlock(4, 8, 2);
    expect(down.forward(tensor(rn(2, 4, 6, 6).cast('float32'))).shape).toEqual([2, 8, 3, 3]);
    expect(down.shortcut).not.toBeNull();
  });

  it('Embedding looks up rows and scatters gradients into them', () => {
    const emb = new Embedding(5, 3);
    const ids = fromArray(
      [
        [1, 4],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    const out = emb.forward(ids);
    expect(out.shape).toEqual([2, 2, 3]);
    out.sum().backward();
    const g = emb.weight.grad!.toArraySync() as number[][];
    expect(g.map((r) => r[0])).toEqual([0, 3, 0, 0, 1]);
  });
});

describe('losses', () => {
  const logits = fromArray([
    [2, 1, 0.1],
    [0.5, 2.5, 0.3],
  ]);
  const labels = fromArray([0, 1], { dtype: 'int32' });

  it('cross-entropy from int targets equals probability targets with one-hot rows; NLL on log-softmax agrees', () => {
    const a = crossEntropy(tensor(logits), labels).item();
    const b = crossEntropy(
      tensor(logits),
      fromArray([
        [1, 0, 0],
        [0, 1, 0],
      ]),
    ).item();
    const c = nllLoss(tensor(logits).logSoftmax(-1), labels).item();
    const manual =
      (-(2 - Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.1))) -
        (2.5 - Math.log(Math.exp(0.5) + Math.exp(2.5) + Math.exp(0.3)))) /
      2;
    expectClose([a, b, c], [manual, manual, manual]);
    expect(crossEntropy(tensor(logits), labels, { reduction: 'none' }).shape).toEqual([2]);
    expect(nllLoss(tensor(logits), fromArray([0, -100], { dtype: 'int32' })).item()).toBe(-2);
  });

  it('MSE and BCE-with-logits values, stability and gradients', () => {
    expect(mseLoss(tensor(fromArray([1, 2])), fromArray([0, 0])).item()).toBe(2.5);
    const z = fromArray([-1000, 0, 1000]);
    const y = fromArray([0, 1, 1]);
    const bce = bceWithLogits(tensor(z), y, { reduction: 'none' }).dataSync();
    expectClose(bce, [0, Math.log(2), 0]);
    expect(() => mseLoss(tensor(fromArray([1, 2])), fromArray([1]))).toThrow(ShapeError);
    const t = fromArray([0, 1, 1, 0, 1]).cast('float64');
    expectGradcheck((a) => bceWithLogits(a, t), [rn(5)]);
    expectGradcheck((a) => bceWithLogits(a, t, { posWeight: 3 }), [rn(5)]);
    expectGradcheck((a, b) => mseLoss(a, b), [rn(2, 3), rn(2, 3)]);
    const probs = fromArray([
      [0.2, 0.8, 0],
      [0.5, 0.25, 0.25],
    ]).cast('float64');
    expectGradcheck((a) => crossEntropy(a, probs, { labelSmoothing: 0.1 }), [rn(2, 3)]);
  });
});
