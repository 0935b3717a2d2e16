import {
  arange,
  DTypeError,
  eye,
  fromArray,
  full,
  Generator,
  linspace,
  ones,
  rand,
  randint,
  randn,
  ShapeError,
  scalar,
  seed,
  ValueError,
  zeros,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

describe('creation', () => {
  it('zeros/ones/full/scalar', () => {
    expect(zeros([2, 3]).toArraySync()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ones([2], { dtype: 'int32' }).dataSync()).toEqual(new Int32Array([1, 1]));
    expect(full([2], 7, { dtype: 'uint8' }).dtype).toBe('uint8');
    expect(full([1], true).dtype).toBe('bool');
    expect(scalar(3).shape).toEqual([]);
    expect(scalar(3).item()).toBe(3);
    expect(zeros([0, 3]).size).toBe(0);
  });

  it('arange follows NumPy: int32 for integers, float32 otherwise', () => {
    expect(arange(5).toArraySync()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArraySync()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArraySync()).toEqual([5, 3, 1]);
    expect(arange(3, 3).size).toBe(0);
    expect(() => arange(0, 1, 0)).toThrow(ValueError);
  });

  it('linspace includes both ends; eye is the identity', () => {
    expect(linspace(0, 1, 5).toArraySync()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 3, 1).toArraySync()).toEqual([2]);
    expect(eye(2, 3).toArraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('fromArray: nested arrays, typed arrays with a shape, booleans, dtype checks', () => {
    const x = fromArray([
      [1, 2],
      [3, 4],
    ]);
    expect(x.shape).toEqual([2, 2]);
    expect(x.dtype).toBe('float32');
    const img = fromArray(new Uint8Array([0, 128, 255, 1]), { shape: [2, 2] });
    expect(img.dtype).toBe('uint8');
    expect(img.toArraySync()).toEqual([
      [0, 128],
      [255, 1],
    ]);
    expect(fromArray([true, false]).dtype).toBe('bool');
    expect(fromArray([true, false]).toArraySync()).toEqual([true, false]);
    expect(fromArray([[]]).shape).toEqual([1, 0]);
    expect(() => fromArray([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => fromArray([1.5], { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => fromArray([300], { dtype: 'uint8' })).toThrow(/does not fit/);
    expect(() => fromArray(new Float32Array(4), { shape: [3] })).toThrow(ShapeError);
  });
});

describe('seeded random numbers', () => {
  it('seed(42) reproduces the same numbers', () => {
    seed(42);
    const a = randn([100]).dataSync();
    const u = rand([10]).dataSync();
    seed(42);
    expect(randn([100]).dataSync()).toEqual(a);
    expect(rand([10]).dataSync()).toEqual(u);
  });

  it('an explicit Generator is independent of the global one', () => {
    const g1 = new Generator(7);
    const g2 = new Generator(7);
    seed(1);
    const x = rand([5], { generator: g1 }).dataSync();
    rand([3]);
    expect(rand([5], { generator: g2 }).dataSync()).toEqual(x);
    expect(new Generator(8).nextUint32()).not.toBe(new Generator(7).nextUint32());
  });

  it('distributions have the right range and moments', () => {
    const g = new Generator(123);
    const u = rand([20000], { generator: g });
    const uv = u.dataSync();
    expect(Math.min(...uv)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uv)).toBeLessThan(1);
    expect(u.mean().item()).toBeCloseTo(0.5, 1);
    const n = randn([20000], { generator: g });
    expect(n.mean().item()).toBeCloseTo(0, 1);
    expect(n.std().item()).toBeCloseTo(1, 1);
    const r = randint(-2, 3, [5000], { generator: g });
    expect(r.dtype).toBe('int32');
    expect(new Set(r.dataSync())).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(() => randint(3, 3, [1])).toThrow(ValueError);
  });
});
