import { DTypeError, fromArray, matmul, ones, randn, ShapeError, seed, zeros } from '@mlblocks/core-tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, refMatmul } from './helpers/reference.js';

const asRef = (x: ReturnType<typeof randn>) => ({
  shape: [...x.shape],
  data: Array.from(x.contiguous().dataSync()),
});

describe('matmul', () => {
  it('matches a naive triple loop on awkward sizes (1, non-multiples of the 4×4 tile, beyond one K block)', () => {
    seed(3);
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [1, 7, 1],
      [5, 7, 3],
      [33, 65, 17],
      [4, 4, 4],
      [9, 300, 6], // K longer than one 256-wide K block
      [2, 3, 600], // N longer than one N block
    ];
    for (const [M, K, N] of sizes) {
      const a = randn([M, K]);
      const b = randn([K, N]);
      expectClose(a.matmul(b).dataSync(), refMatmul(asRef(a), asRef(b)).data, 1e-4, 1e-4);
    }
  });

  it('reads transposed and sliced operands through their strides (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (M, K, N) => {
          const at = randn([K, M]).transpose(); // [M, K], column-major
          const b = randn([N, 2 * K])
            .slice(null, [0, null, 2])
            .transpose(); // [K, N], strided
          expectClose(matmul(at, b).dataSync(), refMatmul(asRef(at), asRef(b)).data, 1e-4, 1e-4);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('batches with broadcast batch axes; 1-D operands are promoted and squeezed like NumPy', () => {
    seed(5);
    const a = randn([2, 1, 3, 4]);
    const b = randn([5, 4, 2]);
    const c = a.matmul(b);
    expect(c.shape).toEqual([2, 5, 3, 2]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 5; j++) {
        const ref = refMatmul(asRef(a.slice(i, 0)), asRef(b.slice(j)));
        expectClose(c.slice(i, j).dataSync(), ref.data, 1e-5, 1e-5);
      }
    const v = fromArray([1, 2, 3]);
    const m = fromArray([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(v.matmul(m).toArraySync()).toEqual([4, 5]);
    expect(m.transpose().matmul(v).toArraySync()).toEqual([4, 5]);
    expect(v.matmul(v).shape).toEqual([]);
    expect(v.matmul(v).item()).toBe(14);
    expect(
      zeros([3, 0])
        .matmul(zeros([0, 2]))
        .toArraySync(),
    ).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('errors name the op and both shapes', () => {
    expect(() => ones([3, 4]).matmul(ones([5, 2]))).toThrow(ShapeError);
    expect(() => ones([3, 4]).matmul(ones([5, 2]))).toThrow(
      'matmul: shapes [3,4] and [5,2] are not aligned (4 ≠ 5)',
    );
    expect(() => ones([2, 3, 4]).matmul(ones([3, 4, 2]))).toThrow(/cannot be broadcast/);
    expect(() => ones([2], { dtype: 'int32' }).matmul(ones([2]))).toThrow(DTypeError);
  });
});
