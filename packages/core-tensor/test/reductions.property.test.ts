// Reductions over any subset of axes, with and without keepdims, against a naive reference.
import { DTypeError, fromArray, IndexError, ShapeError, zeros } from '@mlblocks/core-tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f32, refArb, refReduce, shapeArb } from './helpers/reference.js';

const caseArb = shapeArb(4, 5).chain((shape) =>
  fc.tuple(
    refArb(shape, f32(-5, 5)),
    fc.subarray([...shape.keys()]),
    fc.boolean(),
    fc.boolean(), // use a transposed view as input
  ),
);

const toArray = (r: { shape: number[]; data: number[] }, transposed: boolean) => {
  const x = fromArray(Float32Array.from(r.data), { shape: r.shape });
  if (!transposed || r.shape.length < 2) return { x, ref: r };
  // give the library a non-contiguous view holding the same logical values
  const t = fromArray(Float32Array.from(x.transpose().contiguous().dataSync()), {
    shape: [...r.shape.slice(0, -2), r.shape.at(-1)!, r.shape.at(-2)!],
  });
  return { x: t.transpose(), ref: r };
};

describe('reductions (property)', () => {
  const cases: [string, (acc: number, v: number) => number, number][] = [
    ['sum', (a, v) => a + v, 0],
    ['max', Math.max, Number.NEGATIVE_INFINITY],
    ['min', Math.min, Number.POSITIVE_INFINITY],
    ['prod', (a, v) => a * v, 1],
  ];
  for (const [name, f, init] of cases) {
    it(`${name} over any axes, keepdims or not, on contiguous and strided inputs`, () => {
      fc.assert(
        fc.property(caseArb, ([r, axes, keepdims, transposed]) => {
          const { x } = toArray(r, transposed);
          const out = (x as unknown as Record<string, (a: number[], k: boolean) => typeof x>)[name]!.call(
            x,
            axes,
            keepdims,
          );
          const ref = refReduce(f, init, r, axes, keepdims);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.dataSync(), Float32Array.from(ref.data), 1e-5, 1e-5);
        }),
        { numRuns: 80 },
      );
    });
  }

  it('mean/var/std equal their definitions', () => {
    fc.assert(
      fc.property(caseArb, ([r, axes, keepdims]) => {
        const x = fromArray(Float32Array.from(r.data), { shape: r.shape });
        const n = axes.reduce((p, a) => p * r.shape[a]!, 1);
        const mean = refReduce((a, v) => a + v, 0, r, axes, keepdims).data.map((s) => s / n);
        expectClose(x.mean(axes, keepdims).dataSync(), Float32Array.from(mean), 1e-5, 1e-5);
        const centered = x.sub(x.mean(axes, true));
        const varRef = centered.square().sum(axes, keepdims).div(n).dataSync();
        expectClose(x.var(axes, keepdims).dataSync(), varRef, 1e-5, 1e-6);
        if (n > 1) {
          expectClose(
            x.var(axes, keepdims, 1).dataSync(),
            Float32Array.from(varRef, (v) => (v * n) / (n - 1)),
            1e-5,
            1e-6,
          );
        }
        expectClose(x.std(axes, keepdims).dataSync(), Float32Array.from(varRef, Math.sqrt), 1e-5, 1e-6);
      }),
      { numRuns: 60 },
    );
  });

  it('argmax/argmin pick the first extreme along an axis, or over the flattened array', () => {
    const x = fromArray([
      [1, 5, 5],
      [7, 0, 7],
    ]);
    expect(x.argmax(1).toArraySync()).toEqual([1, 0]);
    expect(x.argmin(0).toArraySync()).toEqual([0, 1, 0]);
    expect(x.argmax().item()).toBe(3);
    expect(x.argmax(1, true).shape).toEqual([2, 1]);
    expect(x.argmax().dtype).toBe('int32');
    fc.assert(
      fc.property(caseArb, ([r]) => {
        if (r.shape.length === 0) return;
        const x2 = fromArray(Float32Array.from(r.data), { shape: r.shape });
        const last = r.shape.length - 1;
        const idx = x2.argmax(last).dataSync();
        const mx = x2.max(last).dataSync();
        const rows = x2.reshape(-1, r.shape[last]!).toArraySync() as number[][];
        rows.forEach((row, i) => {
          expect(row[idx[i]!]).toBe(mx[i]);
          expect(row.indexOf(mx[i]!)).toBe(idx[i]);
        });
      }),
    );
  });

  it('logsumexp and softmax are stable for logits like 1e4', () => {
    const big = fromArray([
      [1e4, 1e4 - 1, -1e4],
      [-1e4, -1e4, -1e4],
    ]);
    const lse = big.logsumexp(1).dataSync();
    expectClose(lse, [1e4 + Math.log(1 + Math.exp(-1)), -1e4 + Math.log(3)], 1e-6);
    const p = big.softmax().dataSync();
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
    expectClose(
      p,
      [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1)), 0, 1 / 3, 1 / 3, 1 / 3],
      1e-5,
      1e-7,
    );
    const lp = big.logSoftmax().dataSync();
    expectClose(lp.slice(0, 2), [-Math.log(1 + Math.exp(-1)), -1 - Math.log(1 + Math.exp(-1))], 1e-5);
    expect(lp[2]).toBeCloseTo(-2e4 - Math.log(1 + Math.exp(-1)), 0);
    // softmax along a non-last axis, and a row of −∞ except one entry
    expectClose(
      fromArray([
        [0, 1],
        [0, 1],
      ])
        .softmax(0)
        .dataSync(),
      [0.5, 0.5, 0.5, 0.5],
    );
    expectClose(fromArray([Number.NEGATIVE_INFINITY, 0]).softmax().dataSync(), [0, 1]);
    expect(fromArray([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]).logsumexp().item()).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });

  it('sums of bool and uint8 count in int32; errors are typed', () => {
    expect(fromArray([true, true, false]).sum().item()).toBe(2);
    expect(
      fromArray(new Uint8Array([200, 200]))
        .sum()
        .item(),
    ).toBe(400);
    expect(fromArray(new Uint8Array([200, 200])).sum().dtype).toBe('int32');
    expect(fromArray([true, false]).mean().item()).toBe(0.5);
    expect(zeros([0]).sum().item()).toBe(0);
    expect(() => zeros([0, 2]).max(0)).toThrow(ShapeError);
    expect(() => zeros([2, 2]).sum(2)).toThrow(IndexError);
    expect(() => zeros([2, 2]).sum([0, 0])).toThrow(IndexError);
    expect(() => fromArray([1], { dtype: 'int32' }).mean()).toThrow(DTypeError);
    expect(() => fromArray([true]).max()).toThrow(DTypeError);
  });
});
