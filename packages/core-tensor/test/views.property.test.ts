// Views rewrite shape/strides/offset only; their elements must equal a naive re-indexing.
import { arange, fromArray, IndexError, ShapeError, ValueError, zeros } from '@mlblocks/core-tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refPermute, shapeArb, sizeOf, unravel } from './helpers/reference.js';

const iota = (shape: number[]) => arange(sizeOf(shape)).cast('float32').reshape(shape);

describe('views (property)', () => {
  it('permute matches a naive transpose and shares storage', () => {
    const arb = shapeArb(4, 4).chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }),
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, axes]) => {
        const x = iota(shape);
        const p = x.permute(...axes);
        const ref = refPermute({ shape, data: Array.from(x.dataSync()) }, axes);
        expect(p.shape).toEqual(ref.shape);
        expect(Array.from(p.dataSync())).toEqual(ref.data);
        expect(p.view('test').storage).toBe(x.view('test').storage);
      }),
    );
  });

  it('reshape of a contiguous array is a view; of a transposed one it copies only when it must', () => {
    fc.assert(
      fc.property(shapeArb(4, 4), fc.integer({ min: 0, max: 3 }), (shape, cut) => {
        const x = iota(shape);
        const flat = x.reshape(-1);
        expect(flat.view('t').storage).toBe(x.view('t').storage);
        const k = Math.min(cut, shape.length);
        const merged = [sizeOf(shape.slice(0, k)), sizeOf(shape.slice(k))];
        expect(Array.from(x.reshape(merged).dataSync())).toEqual(Array.from(x.dataSync()));
        if (shape.length >= 2) {
          const t = x.transpose();
          expect(Array.from(t.reshape(-1).dataSync())).toEqual(Array.from(t.contiguous().dataSync()));
        }
      }),
    );
    const t = iota([2, 3]).transpose(); // [3, 2], strides [1, 3]
    expect(t.reshape(3, 2, 1).view('t').storage).toBe(t.view('t').storage); // adding a size-1 axis: still a view
    expect(t.reshape(6).view('t').storage).not.toBe(t.view('t').storage); // merging needs a copy
  });

  it('slice with steps and negative indices matches Python semantics', () => {
    const pyRange = (n: number, start: number | null, stop: number | null, step: number) => {
      const out: number[] = [];
      const norm = (v: number | null, dflt: number, lo: number, hi: number) =>
        v === null ? dflt : Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
      if (step > 0) for (let i = norm(start, 0, 0, n); i < norm(stop, n, 0, n); i += step) out.push(i);
      else for (let i = norm(start, n - 1, -1, n - 1); i > norm(stop, -1, -1, n - 1); i += step) out.push(i);
      return out;
    };
    const bound = fc.option(fc.integer({ min: -8, max: 8 }), { nil: null });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        bound,
        bound,
        fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
        (n, start, stop, step) => {
          const x = arange(n);
          const got = Array.from(x.slice([start, stop, step]).dataSync());
          expect(got).toEqual(pyRange(n, start, stop, step));
        },
      ),
    );
    const m = iota([3, 4]);
    expect(m.slice(-1).toArraySync()).toEqual([8, 9, 10, 11]);
    expect(m.slice(null, 1).toArraySync()).toEqual([1, 5, 9]);
    expect(m.slice([1, 3], [null, null, -2]).toArraySync()).toEqual([
      [7, 5],
      [11, 9],
    ]);
    expect(() => m.slice(3)).toThrow(IndexError);
    expect(() => m.slice(null, [0, 2, 0])).toThrow(ValueError);
  });

  it('expand/broadcastTo use stride 0; squeeze/unsqueeze/flatten move axes without copying', () => {
    const col = fromArray([[1], [2]]);
    const e = col.expand(3, 2, 4);
    expect(e.strides).toEqual([0, 1, 0]);
    expect(e.sum().item()).toBe(3 * 4 * 3);
    expect(col.broadcastTo([2, 5]).toArraySync()).toEqual([
      [1, 1, 1, 1, 1],
      [2, 2, 2, 2, 2],
    ]);
    expect(col.expand(-1, 3).shape).toEqual([2, 3]);
    expect(() => col.expand(3, 3)).toThrow(ShapeError);
    const x = zeros([1, 3, 1, 2]);
    expect(x.squeeze().shape).toEqual([3, 2]);
    expect(x.squeeze(2).shape).toEqual([1, 3, 2]);
    expect(() => x.squeeze(1)).toThrow(ShapeError);
    expect(x.unsqueeze(-1).shape).toEqual([1, 3, 1, 2, 1]);
    expect(x.flatten().shape).toEqual([6]);
    expect(x.flatten(1).shape).toEqual([1, 6]);
    expect(() => x.permute(0, 1)).toThrow(ShapeError);
    expect(() => x.permute(0, 1, 1, 2)).toThrow(IndexError);
    expect(() => x.reshape(4, -1)).toThrow(ShapeError);
    expect(() => x.reshape(-1, -1)).toThrow(ValueError);
  });

  it('contiguous() of a view equals its elements in row-major order', () => {
    fc.assert(
      fc.property(shapeArb(3, 5), (shape) => {
        const x = iota(shape);
        const v = x.permute(...[...shape.keys()].reverse());
        const c = v.contiguous();
        expect(c.isContiguous).toBe(true);
        const xs = x.dataSync();
        Array.from(c.dataSync()).forEach((val, i) => {
          const idx = unravel(i, v.shape).reverse();
          let flat = 0;
          for (let a = 0; a < shape.length; a++) flat = flat * shape[a]! + idx[a]!;
          expect(val).toBe(xs[flat]);
        });
      }),
    );
  });
});
