// Naive reference implementations on plain JS arrays: one element at a time, by index
// arithmetic, so they are easy to trust. The library is checked against these.
import fc from 'fast-check';

export interface Ref {
  shape: number[];
  data: number[];
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Multi-index of flat position `i` in a row-major shape. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = i % shape[a]!;
    i = Math.floor(i / shape[a]!);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((flat, v, a) => flat * shape[a]! + v, 0);
}

export function refBroadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

/** Value of `x` at `idx` of the broadcast shape (size-1 and missing axes repeat). */
function atBroadcast(x: Ref, idx: readonly number[]): number {
  const lead = idx.length - x.shape.length;
  const own = x.shape.map((d, a) => (d === 1 ? 0 : idx[lead + a]!));
  return x.data[ravel(own, x.shape)]!;
}

export function refBinary(f: (a: number, b: number) => number, a: Ref, b: Ref): Ref {
  const shape = refBroadcastShape(a.shape, b.shape);
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    return f(atBroadcast(a, idx), atBroadcast(b, idx));
  });
  return { shape, data };
}

export function refReduce(
  f: (acc: number, v: number) => number,
  init: number,
  x: Ref,
  axes: number[],
  keepdims: boolean,
): Ref {
  const outShape = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const data = new Array<number>(sizeOf(outShape)).fill(init);
  x.data.forEach((v, i) => {
    const idx = unravel(i, x.shape).map((c, a) => (axes.includes(a) ? 0 : c));
    const o = ravel(idx, outShape);
    data[o] = f(data[o]!, v);
  });
  return { shape: keepdims ? outShape : x.shape.filter((_, a) => !axes.includes(a)), data };
}

export function refPermute(x: Ref, axes: number[]): Ref {
  const shape = axes.map((a) => x.shape[a]!);
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    const src = new Array<number>(axes.length);
    axes.forEach((a, k) => {
      src[a] = idx[k]!;
    });
    return x.data[ravel(src, x.shape)]!;
  });
  return { shape, data };
}

export function refMatmul(a: Ref, b: Ref): Ref {
  const [M, K] = [a.shape[0]!, a.shape[1]!];
  const N = b.shape[1]!;
  const data = new Array<number>(M * N).fill(0);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a.data[i * K + k]! * b.data[k * N + j]!;
      data[i * N + j] = s;
    }
  return { shape: [M, N], data };
}

/** float32-representable values, so expected results are computed from the same inputs the library sees. */
export const f32 = (lo = -10, hi = 10) =>
  fc
    .float({ min: Math.fround(lo), max: Math.fround(hi), noNaN: true, noDefaultInfinity: true })
    .map((v) => (Object.is(v, -0) ? 0 : v));

export const shapeArb = (maxRank = 4, maxDim = 5) =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 0, maxLength: maxRank });

export const refArb = (shape: number[], values = f32()) =>
  fc.array(values, { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((data) => ({ shape, data }));

/** Two shapes that broadcast: the second drops leading axes and sets some axes to 1. */
export const broadcastPairArb = fc
  .tuple(
    shapeArb(4, 4),
    fc.integer({ min: 0, max: 4 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([shape, drop, ones, swap]) => {
    const other = shape.slice(Math.min(drop, shape.length)).map((d, i) => (ones[i] ? 1 : d));
    return swap ? [other, shape] : [shape, other];
  });

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-5,
  atol = 1e-6,
): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
