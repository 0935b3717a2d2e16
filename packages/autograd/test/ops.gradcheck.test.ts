// Every differentiable op against central finite differences (float64), on shapes that
// broadcast, have size-1 axes, and on non-contiguous views (transposed / strided inputs).
import {
  concat,
  dropout,
  gather,
  gelu,
  indexSelect,
  leakyRelu,
  linear,
  softmaxCrossEntropy,
  split,
  stack,
  type Tensor,
  where,
} from '@mlblocks/autograd';
import { fromArray, Generator, setFusion } from '@mlblocks/core-tensor';
import { describe, it } from 'vitest';
import { awayFromZero, expectGradcheck, rn } from './helpers.js';

const T = (x: Tensor) => x.transpose(); // a non-contiguous view of the input

describe('gradcheck: arithmetic with broadcasting', () => {
  it('add, sub, mul, div over broadcast and size-1 shapes', () => {
    expectGradcheck((a, b) => a.add(b), [rn(3, 4), rn(4)]);
    expectGradcheck((a, b) => a.sub(b), [rn(3, 1), rn(1, 5)]);
    expectGradcheck((a, b) => a.mul(b), [rn(2, 3, 4), rn(3, 1)]);
    expectGradcheck((a, b) => a.div(b), [rn(3, 4), awayFromZero(1, 4)]);
    expectGradcheck((a) => a.mul(2.5).add(1).sub(0.5).div(4), [rn(1)]);
    expectGradcheck((a, b) => T(a).mul(b), [rn(4, 3), rn(3, 4)]);
    expectGradcheck((a) => a.neg(), [rn(2, 2)]);
  });

  it('pow with tensor and scalar exponents', () => {
    expectGradcheck((a) => a.pow(3), [rn(3, 2)]);
    expectGradcheck((a, b) => a.abs().add(0.5).pow(b), [rn(3, 2), rn(2)]);
  });

  it('a tensor used twice accumulates both gradients', () => {
    expectGradcheck((a) => a.mul(a).add(a), [rn(5)]);
  });
});

describe('gradcheck: element-wise functions', () => {
  it('exp, log, sqrt, abs, tanh, sigmoid', () => {
    expectGradcheck((a) => a.exp(), [rn(2, 3)]);
    expectGradcheck((a) => a.abs().add(0.1).log(), [rn(2, 3)]);
    expectGradcheck((a) => a.abs().add(0.1).sqrt(), [rn(4)]);
    expectGradcheck((a) => a.abs(), [awayFromZero(3, 3)]);
    expectGradcheck((a) => T(a).tanh(), [rn(3, 2)]);
    expectGradcheck((a) => a.sigmoid(), [rn(2, 1, 3)]);
  });

  it('relu, leaky relu, gelu (exact and tanh)', () => {
    expectGradcheck((a) => a.relu(), [awayFromZero(4, 3)]);
    expectGradcheck((a) => leakyRelu(a, 0.1), [awayFromZero(5)]);
    expectGradcheck((a) => gelu(a), [rn(3, 4)]);
    expectGradcheck((a) => gelu(a, 'tanh'), [rn(3, 4)]);
  });

  it('maximum/minimum (no ties), where, clip', () => {
    expectGradcheck((a, b) => a.maximum(b), [rn(3, 4), rn(4)]);
    expectGradcheck((a, b) => a.minimum(b), [rn(3, 1), rn(3, 4)]);
    const cond = fromArray([
      [true, false, true],
      [false, false, true],
    ]);
    expectGradcheck((a, b) => where(cond, a, b), [rn(2, 3), rn(3)]);
    expectGradcheck((a) => where(cond, a, 0), [rn(2, 3)]);
    expectGradcheck((a) => a.clip(-0.5, 0.5), [rn(4, 4).mul(0.37)]);
  });
});

describe('gradcheck: reductions and softmax', () => {
  it('sum and mean over axes, keepdims', () => {
    expectGradcheck((a) => a.sum(), [rn(2, 3)]);
    expectGradcheck((a) => a.sum(0), [rn(3, 4)]);
    expectGradcheck((a) => a.mean([0, 2], true), [rn(2, 3, 4)]);
    expectGradcheck((a) => T(a).mean(1), [rn(3, 5)]);
  });

  it('max and min (distinct values)', () => {
    expectGradcheck((a) => a.max(1), [rn(3, 5)]);
    expectGradcheck((a) => a.min(), [rn(4, 2)]);
    expectGradcheck((a) => a.max([0, 1], true), [rn(2, 3, 2)]);
  });

  it('var (both corrections), logsumexp, softmax, logSoftmax', () => {
    expectGradcheck((a) => a.var(1), [rn(3, 5)]);
    expectGradcheck((a) => a.var(undefined, false, 1), [rn(6)]);
    expectGradcheck((a) => a.logsumexp(-1), [rn(3, 4)]);
    expectGradcheck((a) => a.logsumexp(0, true), [rn(3, 4)]);
    expectGradcheck((a) => a.softmax(-1), [rn(2, 5)]);
    expectGradcheck((a) => T(a).softmax(0), [rn(4, 3)]);
    expectGradcheck((a) => a.logSoftmax(1), [rn(3, 4)]);
  });

  it('fused softmax cross-entropy: mean/sum/none, ignoreIndex, label smoothing, [..., C] logits', () => {
    const labels = fromArray([2, 0, 3, 1], { dtype: 'int32' });
    expectGradcheck((z) => softmaxCrossEntropy(z, labels), [rn(4, 5)]);
    expectGradcheck((z) => softmaxCrossEntropy(z, labels, { reduction: 'sum' }), [rn(4, 5)]);
    expectGradcheck((z) => softmaxCrossEntropy(z, labels, { reduction: 'none' }), [rn(4, 5)]);
    const withIgnored = fromArray([2, -100, 3, 1], { dtype: 'int32' });
    expectGradcheck((z) => softmaxCrossEntropy(z, withIgnored, { labelSmoothing: 0.1 }), [rn(4, 5)]);
    const seq = fromArray(
      [
        [1, 0, 2],
        [2, 2, 0],
      ],
      { dtype: 'int32' },
    );
    expectGradcheck((z) => softmaxCrossEntropy(z, seq), [rn(2, 3, 3)]);
  });
});

describe('gradcheck: linear (product, bias and activation fused)', () => {
  for (const fusion of [true, false]) {
    it(`every activation, with and without a bias, batched, 1-D and transposed inputs (fusion ${fusion ? 'on' : 'off'})`, () => {
      const was = setFusion(fusion);
      try {
        for (const activation of ['none', 'relu', 'tanh', 'sigmoid'] as const) {
          expectGradcheck((x, w, b) => linear(x, w, b, { activation }), [rn(3, 4), rn(5, 4), rn(5)]);
          expectGradcheck((x, w) => linear(x, w, null, { activation }), [rn(2, 3, 4), rn(2, 4)]);
        }
        expectGradcheck((x, w, b) => linear(x, w, b, { activation: 'tanh' }), [rn(4), rn(3, 4), rn(3)]);
        expectGradcheck(
          (x, w, b) => linear(T(x), T(w), b, { activation: 'sigmoid' }),
          [rn(4, 3), rn(4, 2), rn(2)],
        );
      } finally {
        setFusion(was);
      }
    });
  }
});

describe('gradcheck: matmul, views, joins, indexing, dropout', () => {
  it('matmul: 2-D, batched with broadcast batch axes, 1-D operands, transposed operands', () => {
    expectGradcheck((a, b) => a.matmul(b), [rn(3, 4), rn(4, 2)]);
    expectGradcheck((a, b) => a.matmul(b), [rn(2, 1, 3, 4), rn(5, 4, 2)]);
    expectGradcheck((a, b) => a.matmul(b), [rn(4), rn(4, 3)]);
    expectGradcheck((a, b) => a.matmul(b), [rn(2, 4), rn(4)]);
    expectGradcheck((a, b) => T(a).matmul(T(b)), [rn(4, 3), rn(2, 4)]);
  });

  it('reshape, permute, transpose, slice, expand, squeeze, unsqueeze, flatten', () => {
    expectGradcheck((a) => a.reshape(3, 4).mul(a.reshape(3, 4)), [rn(2, 6)]);
    expectGradcheck((a) => a.permute(2, 0, 1).exp(), [rn(2, 3, 4)]);
    expectGradcheck((a) => a.slice([1, null], [null, null, -2]).exp(), [rn(3, 5)]);
    expectGradcheck((a) => a.slice(-1).tanh(), [rn(3, 2)]);
    // overlapping slices and a full gradient into the same input (partial gradients summed in place)
    expectGradcheck(
      (a) =>
        a
          .slice([0, 3])
          .add(a.slice([2, 5]))
          .mul(a.slice([1, 4]))
          .add(a.exp().sum()),
      [rn(5, 2)],
    );
    // a gradient handed to two inputs (add) then sliced: the shared array must not be modified
    expectGradcheck(
      (a, b) => {
        const s = a.add(b);
        return s
          .slice(0)
          .mul(3)
          .add(s.slice(1))
          .add(s.sum(0).mul(b.slice(0)));
      },
      [rn(2, 3), rn(2, 3)],
    );
    expectGradcheck((a, b) => a.expand(3, 4).mul(b), [rn(3, 1), rn(3, 4)]);
    expectGradcheck((a) => a.unsqueeze(1).squeeze(1).flatten().exp(), [rn(2, 3)]);
  });

  it('concat, stack, split', () => {
    expectGradcheck((a, b) => concat([a, b], 1).exp(), [rn(2, 3), rn(2, 2)]);
    expectGradcheck((a, b) => stack([a, b], -1).tanh(), [rn(2, 3), rn(2, 3)]);
    expectGradcheck(
      (a) => {
        const [p, q] = split(a, [1, 3], 1);
        return p!.mul(q!.sum(1, true));
      },
      [rn(2, 4)],
    );
  });

  it('indexSelect (embedding lookup with repeated ids) and gather', () => {
    const ids = fromArray(
      [
        [3, 0],
        [3, 3],
      ],
      { dtype: 'int32' },
    );
    expectGradcheck((table) => indexSelect(table, 0, ids), [rn(5, 3)]);
    const index = fromArray([[1], [0], [2]], { dtype: 'int32' });
    expectGradcheck((x) => gather(x, 1, index), [rn(3, 3)]);
  });

  it('dropout with a fixed seed', () => {
    expectGradcheck((a) => dropout(a, 0.3, { generator: new Generator(5) }), [rn(4, 6)]);
  });
});
