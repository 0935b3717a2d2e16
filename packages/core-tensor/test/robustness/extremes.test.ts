// Numerics at the extremes: log-softmax keeps its log-sum term for huge logits, on the fused CPU
// kernel and on the composed path that backends without a fused kernel take (issue #15, finding 4).
import {
  CpuBackend,
  type DType,
  fromArray,
  type NDArray,
  registerBackend,
  removeBackend,
} from '@mlblocks/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A CPU backend without the fused softmax kernels: ops take the composed path (max, exp, sum, log).
class ComposedSoftmaxCpu extends CpuBackend {
  override logSoftmax = undefined as unknown as CpuBackend['logSoftmax'];
  override softmax = undefined as unknown as CpuBackend['softmax'];
}

const LOG3 = Math.log(3);
const LOG2 = Math.log(2);

function values(x: NDArray): number[] {
  return Array.from(x.dataSync());
}

describe.each(['cpu', 'composed-cpu'])('logSoftmax of huge logits on %s', (backend) => {
  beforeAll(() => registerBackend('composed-cpu', () => new ComposedSoftmaxCpu('composed-cpu')));
  afterAll(() => removeBackend('composed-cpu'));

  it.each<DType>(['float32', 'float64'])('[1e30, 1e30, 1e30] (%s) gives −log 3 in every entry', (dtype) => {
    const x = fromArray([1e30, 1e30, 1e30], { dtype, backend });
    for (const v of values(x.logSoftmax())) expect(v).toBeCloseTo(-LOG3, 6);
    for (const v of values(x.softmax())) expect(v).toBeCloseTo(1 / 3, 6);
  });

  it.each<DType>(['float32', 'float64'])('[−1e30, −1e30] and [1e30, 1e30, −1e30] (%s)', (dtype) => {
    for (const v of values(fromArray([-1e30, -1e30], { dtype, backend }).logSoftmax()))
      expect(v).toBeCloseTo(-LOG2, 6);
    const [a, b, c] = values(fromArray([[1e30, 1e30, -1e30]], { dtype, backend }).logSoftmax());
    expect(a).toBeCloseTo(-LOG2, 6);
    expect(b).toBeCloseTo(-LOG2, 6);
    expect(c! / -2e30).toBeCloseTo(1, 6);
  });

  it('float64 logits of 1e300 along a middle axis (the permuted path)', () => {
    const x = fromArray(
      [
        [[1e300], [1e300]],
        [[-1e300], [-1e300]],
      ],
      { dtype: 'float64', backend },
    );
    for (const v of values(x.logSoftmax(1))) expect(v).toBeCloseTo(-LOG2, 12);
  });

  it('exp(logSoftmax) still sums to 1 and keeps −∞ entries at −∞', () => {
    const x = fromArray([4e20, 4e20 - 1e6, Number.NEGATIVE_INFINITY], { dtype: 'float64', backend });
    const out = values(x.logSoftmax());
    expect(out[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(out.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
  });
});
