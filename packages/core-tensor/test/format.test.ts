import { arange, fromArray, zeros } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

describe('toString', () => {
  it('prints values, dtype, shape and backend like NumPy', () => {
    expect(
      fromArray([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('array([[1.0000, 2.0000],\n       [3.0000, 4.0000]], dtype=float32, shape=[2,2], backend=cpu)');
    expect(fromArray([1, 2], { dtype: 'int32' }).toString()).toBe(
      'array([1, 2], dtype=int32, shape=[2], backend=cpu)',
    );
    expect(fromArray([true, false]).toString()).toBe(
      'array([ true, false], dtype=bool, shape=[2], backend=cpu)',
    );
    expect(fromArray(5).toString()).toBe('array(5.0000, dtype=float32, shape=[], backend=cpu)');
    expect(fromArray([1e-6, 1]).toString()).toContain('1.0000e-6');
    expect(fromArray([Number.NaN, Number.POSITIVE_INFINITY]).toString()).toContain('[nan, inf]');
  });

  it('summarises large arrays and marks disposed ones', () => {
    const s = arange(2000).reshape(2, 1000).toString();
    expect(s).toContain('[   0,    1,    2, ...,  997,  998,  999]');
    const z = zeros([2]);
    z.dispose();
    expect(z.toString()).toBe('array(<disposed>, dtype=float32, shape=[2], backend=cpu)');
  });
});
