// Property-based: every binary op broadcasts like NumPy, checked against a naive per-index reference.
import { fromArray, ShapeError } from '@mlblocks/core-tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastPairArb, expectClose, f32, refArb, refBinary } from './helpers/reference.js';

const OPS = {
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: (a: number, b: number) => a * b,
  div: (a: number, b: number) => a / b,
  maximum: Math.max,
  minimum: Math.min,
} as const;

const CMP = {
  eq: (a: number, b: number) => Number(a === b),
  lt: (a: number, b: number) => Number(a < b),
  ge: (a: number, b: number) => Number(a >= b),
} as const;

const pairArb = broadcastPairArb.chain(([sa, sb]) =>
  fc.tuple(refArb(sa!, f32(-4, 4)), refArb(sb!, f32(-4, 4))),
);

describe('broadcasting binary ops (property)', () => {
  for (const [name, f] of Object.entries(OPS)) {
    it(`${name} matches the reference on random broadcastable shapes`, () => {
      fc.assert(
        fc.property(pairArb, ([a, b]) => {
          const x = fromArray(Float32Array.from(a.data), { shape: a.shape });
          const y = fromArray(Float32Array.from(b.data), { shape: b.shape });
          const out = x[name as keyof typeof OPS](y);
          const ref = refBinary(f, a, b);
          expect(out.shape).toEqual(ref.shape);
          // the reference computes in float64; the library rounds to float32
          expectClose(out.dataSync(), Float32Array.from(ref.data), 1e-6, 1e-6);
        }),
        { numRuns: 60 },
      );
    });
  }

  for (const [name, f] of Object.entries(CMP)) {
    it(`${name} returns bool with broadcasting`, () => {
      fc.assert(
        fc.property(pairArb, ([a, b]) => {
          const out = fromArray(Float32Array.from(a.data), { shape: a.shape })[name as keyof typeof CMP](
            fromArray(Float32Array.from(b.data), { shape: b.shape }),
          );
          expect(out.dtype).toBe('bool');
          expect(Array.from(out.dataSync())).toEqual(refBinary(f, a, b).data);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('broadcasts non-contiguous views (transposed and sliced operands)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        (m, n, step) => {
          const base = fromArray(
            Float32Array.from({ length: m * n * step }, (_, i) => i),
            { shape: [n, m * step] },
          );
          const x = base.slice(null, [0, null, step]).transpose(); // [m, n], strided and transposed
          const row = fromArray(Float32Array.from({ length: n }, (_, i) => 100 * i)); // [n]
          const got = x.add(row).toArraySync() as number[][];
          const xs = x.toArraySync() as number[][];
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) expect(got[i]![j]).toBe(xs[i]![j]! + 100 * j);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects incompatible shapes with a ShapeError naming the op and both shapes', () => {
    expect(() => fromArray([1, 2, 3]).add(fromArray([1, 2]))).toThrow(ShapeError);
    expect(() => fromArray([1, 2, 3]).add(fromArray([1, 2]))).toThrow(
      'add: shapes [3] and [2] cannot be broadcast',
    );
  });
});
