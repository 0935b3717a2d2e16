import { DTypeError, fromArray, zeros } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

describe('assign (the one in-place op)', () => {
  it('writes through views into shared storage, with broadcasting, and bumps the version', () => {
    const w = zeros([2, 3]);
    const row = w.slice(1);
    expect(w.version).toBe(0);
    row.assign(fromArray([1, 2, 3]));
    expect(w.toArraySync()).toEqual([
      [0, 0, 0],
      [1, 2, 3],
    ]);
    expect(w.version).toBe(1);
    w.transpose().slice(0).assign(7); // column 0 of w
    expect(w.toArraySync()).toEqual([
      [7, 0, 0],
      [7, 2, 3],
    ]);
    expect(row.version).toBe(2);
  });

  it('only stores values losslessly', () => {
    const labels = zeros([2], { dtype: 'int32' });
    expect(() => labels.assign(fromArray([0.5, 1]))).toThrow(DTypeError);
    expect(() => labels.assign(0.5)).toThrow(DTypeError);
    labels.assign(fromArray(new Uint8Array([3, 4])));
    expect(labels.toArraySync()).toEqual([3, 4]);
  });
});
