import {
  arange,
  concat,
  fromArray,
  IndexError,
  oneHot,
  ShapeError,
  stack,
  zeros,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

const iota = (...shape: number[]) =>
  arange(shape.reduce((a, b) => a * b, 1))
    .cast('float32')
    .reshape(shape);

describe('concat, stack, split', () => {
  it('concat along any axis, including strided inputs and dtype widening', () => {
    const a = iota(2, 2);
    const b = iota(2, 3).add(10);
    expect(concat([a, b], 1).toArraySync()).toEqual([
      [0, 1, 10, 11, 12],
      [2, 3, 13, 14, 15],
    ]);
    expect(concat([a, a.transpose()], 0).toArraySync()).toEqual([
      [0, 1],
      [2, 3],
      [0, 2],
      [1, 3],
    ]);
    expect(concat([fromArray(new Uint8Array([1])), fromArray([0.5])]).toArraySync()).toEqual([1, 0.5]);
    expect(() => concat([a, iota(3, 3)], 1)).toThrow(ShapeError);
  });

  it('stack adds an axis; split returns views that concat back', () => {
    const a = iota(2, 3);
    expect(stack([a, a], 1).shape).toEqual([2, 2, 3]);
    expect(stack([a, a], -1).shape).toEqual([2, 3, 2]);
    const parts = iota(6, 2).split([1, 2, 3]);
    expect(parts.map((p) => p.shape)).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    expect(parts[1]!.view('t').storage).toBe(parts[0]!.view('t').storage);
    expect(concat(parts).toArraySync()).toEqual(iota(6, 2).toArraySync());
    expect(iota(2, 6).split(3, 1)[2]!.toArraySync()).toEqual([
      [4, 5],
      [10, 11],
    ]);
    expect(() => iota(5).split(2)).toThrow(ShapeError);
    expect(() => stack([iota(2), iota(3)])).toThrow(ShapeError);
  });
});

describe('indexing', () => {
  it('indexSelect: embedding lookup with any index shape', () => {
    const table = iota(4, 3);
    const ids = fromArray(
      [
        [3, 0],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    const out = table.indexSelect(0, ids);
    expect(out.shape).toEqual([2, 2, 3]);
    expect(out.toArraySync()).toEqual([
      [
        [9, 10, 11],
        [0, 1, 2],
      ],
      [
        [3, 4, 5],
        [3, 4, 5],
      ],
    ]);
    expect(table.indexSelect(1, [2, 0]).toArraySync()).toEqual([
      [2, 0],
      [5, 3],
      [8, 6],
      [11, 9],
    ]);
    expect(table.transpose().indexSelect(0, [1]).toArraySync()).toEqual([[1, 4, 7, 10]]);
    expect(() => table.indexSelect(0, [4])).toThrow(IndexError);
    expect(() => table.indexSelect(0, [-1])).toThrow(/index -1 .* out of range for axis 0 of size 4/);
    expect(() => table.indexSelect(0, fromArray([1]))).toThrow(/indices must be int32/);
  });

  it('indexAdd is the adjoint of indexSelect: repeated indices accumulate', () => {
    const grad = fromArray([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const out = zeros([4, 2]).indexAdd(0, [1, 3, 1], grad);
    expect(out.toArraySync()).toEqual([
      [0, 0],
      [4, 4],
      [0, 0],
      [2, 2],
    ]);
    // <indexSelect(x), g> = <x, indexAdd(0, g)> for any x, g
    const x = iota(4, 2);
    const lhs = x.indexSelect(0, [1, 3, 1]).mul(grad).sum().item();
    const rhs = x.mul(out).sum().item();
    expect(lhs).toBe(rhs);
    expect(() => zeros([4, 2]).indexAdd(0, [1], grad)).toThrow(ShapeError);
  });

  it('gather and scatterAdd with PyTorch semantics (pick the label log-prob per row)', () => {
    const logp = fromArray([
      [-1, -2, -3],
      [-4, -5, -6],
    ]);
    const labels = fromArray([[2], [0]], { dtype: 'int32' });
    expect(logp.gather(1, labels).toArraySync()).toEqual([[-3], [-4]]);
    expect(logp.gather(0, fromArray([[1, 0, 1]], { dtype: 'int32' })).toArraySync()).toEqual([[-4, -2, -6]]);
    const scattered = zeros([2, 3]).scatterAdd(
      1,
      fromArray(
        [
          [2, 2],
          [0, 1],
        ],
        { dtype: 'int32' },
      ),
      fromArray([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(scattered.toArraySync()).toEqual([
      [0, 0, 3],
      [3, 4, 0],
    ]);
    expect(() => logp.gather(1, fromArray([[3], [0]], { dtype: 'int32' }))).toThrow(IndexError);
    expect(() => logp.gather(1, fromArray([2, 0], { dtype: 'int32' }))).toThrow(ShapeError);
  });

  it('oneHot', () => {
    const labels = fromArray([2, 0, 1], { dtype: 'int32' });
    expect(oneHot(labels, 3).toArraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(oneHot(fromArray(new Uint8Array([1])), 2, 'int32').toArraySync()).toEqual([[0, 1]]);
    expect(() => oneHot(fromArray([1.0]), 2)).toThrow(/indices must be int32 or uint8/);
  });
});
