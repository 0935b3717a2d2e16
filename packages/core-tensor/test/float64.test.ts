// float64 exists for reference computations (finite-difference gradient checks) on the CPU.
import { fromArray, randn, seed } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

describe('float64', () => {
  it('keeps double precision through element-wise ops, reductions and softmax', () => {
    const x = fromArray(new Float64Array([1 + 1e-12, 2]));
    expect(x.dtype).toBe('float64');
    expect(x.sub(1).dataSync()[0]).toBe(1 + 1e-12 - 1);
    expect(x.exp().dtype).toBe('float64');
    expect(x.sum().dataSync()[0]).toBe(3 + 1e-12);
    const p = x.softmax();
    expect(p.dtype).toBe('float64');
    expect(p.dataSync()[0]).toBeCloseTo(1 / (1 + Math.exp(1 - 1e-12)), 15);
    expect(x.mean().dtype).toBe('float64');
  });

  it('is the lossless meeting point of int32 and float32 with float64', () => {
    const d = fromArray([0.5], { dtype: 'float64' });
    expect(fromArray([16777217], { dtype: 'int32' }).add(d).dataSync()[0]).toBe(16777217.5);
    expect(fromArray([0.25]).add(d).dtype).toBe('float64');
    expect(() => fromArray([1], { dtype: 'int32' }).add(fromArray([1]))).toThrow(
      /cannot mix int32 and float32/,
    );
    expect(fromArray([0.1], { dtype: 'float64' }).cast('float32').dataSync()[0]).toBe(Math.fround(0.1));
  });

  it('matmul in float64 matches a double-precision triple loop exactly', () => {
    seed(9);
    const a = randn([7, 300])
      .cast('float64')
      .mul(fromArray([1 / 3], { dtype: 'float64' }));
    const b = randn([300, 5]).cast('float64');
    const c = a.matmul(b);
    expect(c.dtype).toBe('float64');
    const av = a.dataSync();
    const bv = b.dataSync();
    const cv = c.dataSync();
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let k = 0; k < 300; k++) s += av[i * 300 + k]! * bv[k * 5 + j]!;
        expect(Math.abs(cv[i * 5 + j]! - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
      }
  });
});
