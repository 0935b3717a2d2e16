// The fused softmax cross-entropy: the CPU kernels against their composition and the definition,
// including logits of 1e30 (where max + log Σ would lose the log-sum) and a 15,000-class row.
import {
  CpuBackend,
  fromArray,
  Generator,
  randint,
  randn,
  registerBackend,
  removeBackend,
  softmaxCrossEntropyGrad,
  softmaxCrossEntropyRows,
} from '@mlblocks/core-tensor';
import { afterAll, describe, expect, it } from 'vitest';

const composed = new CpuBackend('composed-ce');
for (const k of ['softmaxCrossEntropy', 'softmaxCrossEntropyGrad'] as const)
  Object.assign(composed, { [k]: undefined });
registerBackend('composed-ce', composed);
afterAll(() => removeBackend('composed-ce'));

describe('fused softmax cross-entropy on the CPU', () => {
  it('equals its composition and −log softmax, rows of 1 to 15,000 classes', () => {
    const gen = new Generator(4);
    for (const [N, C] of [
      [1, 1],
      [4, 9],
      [3, 15000],
    ] as const) {
      const z = randn([N, C], { generator: gen, dtype: 'float64' }).mul(3);
      const y = randint(0, C, [N], { generator: gen });
      const mine = softmaxCrossEntropyRows(z, y);
      const via = softmaxCrossEntropyRows(z.to('composed-ce'), y.to('composed-ce'));
      const want = z.logSoftmax(-1).gather(1, y.reshape(-1, 1)).reshape(-1).neg().dataSync();
      for (const got of [mine.loss, via.loss]) {
        const g = got.dataSync();
        for (let i = 0; i < N; i++) expect(g[i]).toBeCloseTo(want[i]!, 9);
      }
      const scale = randn([N], { generator: gen, dtype: 'float64' });
      const grad = softmaxCrossEntropyGrad(z, y, mine, scale).dataSync();
      const grad2 = softmaxCrossEntropyGrad(
        z.to('composed-ce'),
        y.to('composed-ce'),
        via,
        scale.to('composed-ce'),
      ).dataSync();
      for (let i = 0; i < grad.length; i++) expect(grad[i]).toBeCloseTo(grad2[i]!, 12);
    }
  });

  it('keeps the log-sum next to logits of 1e30: loss log 3, gradient [⅓, ⅓, −⅔]', () => {
    const z = fromArray([[1e30, 1e30, 1e30]]);
    const y = fromArray([2], { dtype: 'int32' });
    const rows = softmaxCrossEntropyRows(z, y);
    expect(rows.loss.item()).toBeCloseTo(Math.log(3), 5);
    const grad = [...softmaxCrossEntropyGrad(z, y, rows, fromArray([1])).dataSync()];
    expect(grad.map((v) => Number(v.toFixed(5)))).toEqual([0.33333, 0.33333, -0.66667]);
  });
});
