import { clip, DTypeError, fromArray, where } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from './helpers/reference.js';

const xs = [-2, -0.5, 0, 0.5, 3];

describe('unary ops', () => {
  const x = fromArray(xs);
  const cases: [keyof typeof x, (v: number) => number][] = [
    ['neg', (v) => -v],
    ['abs', Math.abs],
    ['sign', Math.sign],
    ['exp', Math.exp],
    ['tanh', Math.tanh],
    ['sigmoid', (v) => 1 / (1 + Math.exp(-v))],
    ['relu', (v) => Math.max(v, 0)],
    ['square', (v) => v * v],
    ['floor', Math.floor],
    ['ceil', Math.ceil],
    ['sin', Math.sin],
    ['cos', Math.cos],
  ];
  for (const [name, f] of cases) {
    it(`${String(name)} matches Math`, () => {
      const out = (x[name] as () => typeof x).call(x);
      expectClose(out.dataSync(), Float32Array.from(xs, f), 1e-6, 1e-7);
    });
  }

  it('log, sqrt and reciprocal on positives; NaN/∞ where math says so', () => {
    const p = fromArray([0.25, 1, 4]);
    expectClose(p.log().dataSync(), [Math.log(0.25), 0, Math.log(4)]);
    expectClose(p.sqrt().dataSync(), [0.5, 1, 2]);
    expectClose(p.reciprocal().dataSync(), [4, 1, 0.25]);
    expect(fromArray([-1]).sqrt().item()).toBeNaN();
    expect(fromArray([0]).log().item()).toBe(Number.NEGATIVE_INFINITY);
  });

  it('round is half-to-even; sigmoid saturates without NaN', () => {
    expect(fromArray([0.5, 1.5, 2.5, -0.5, -1.5, 2.4]).round().toArraySync()).toEqual([0, 2, 2, -0, -2, 2]);
    expect(fromArray([-1000, 1000]).sigmoid().toArraySync()).toEqual([0, 1]);
  });

  it('relu keeps NaN like PyTorch', () => {
    expect(fromArray([Number.NaN]).relu().item()).toBeNaN();
  });
});

describe('binary ops, where, clip', () => {
  it('pow, maximum/minimum with scalars', () => {
    const x = fromArray([1, 2, 3]);
    expect(x.pow(2).toArraySync()).toEqual([1, 4, 9]);
    expect(x.maximum(2).toArraySync()).toEqual([2, 2, 3]);
    expect(x.minimum(fromArray([0, 5, 1])).toArraySync()).toEqual([0, 2, 1]);
    expect(fromArray([1, Number.NaN]).maximum(0).dataSync()[1]).toBeNaN();
  });

  it('comparisons and logical ops', () => {
    const x = fromArray([1, 2, 3]);
    expect(x.gt(1).toArraySync()).toEqual([false, true, true]);
    expect(x.le(2).logicalAnd(x.ne(1)).toArraySync()).toEqual([false, true, false]);
    expect(x.eq(3).logicalOr(x.lt(2)).logicalNot().toArraySync()).toEqual([false, true, false]);
    expect(() => x.logicalAnd(x)).toThrow(DTypeError);
  });

  it('where selects with broadcasting; scalars take the array dtype', () => {
    const x = fromArray([
      [-1, 2],
      [3, -4],
    ]);
    expect(where(x.gt(0), x, 0).toArraySync()).toEqual([
      [0, 2],
      [3, 0],
    ]);
    expect(where(fromArray([true, false]), 1, 0).dtype).toBe('int32');
    expect(where(fromArray([true, false]), 1, 0.5).toArraySync()).toEqual([1, 0.5]);
    expect(() => where(x, x, x)).toThrow(DTypeError);
  });

  it('clip with either bound', () => {
    const x = fromArray([-3, 0, 3]);
    expect(x.clip(-1, 1).toArraySync()).toEqual([-1, 0, 1]);
    expect(clip(x, undefined, 1).toArraySync()).toEqual([-3, 0, 1]);
    expect(x.clip(0).toArraySync()).toEqual([0, 0, 3]);
  });
});

describe('dtypes', () => {
  it('casts convert explicitly (float → int truncates toward zero, bool is x ≠ 0)', () => {
    const x = fromArray([-1.7, 0, 2.9]);
    expect(x.cast('int32').toArraySync()).toEqual([-1, 0, 2]);
    expect(x.cast('bool').toArraySync()).toEqual([true, false, true]);
    expect(fromArray([true, false]).cast('float32').toArraySync()).toEqual([1, 0]);
    expect(() => x.cast('int8' as never)).toThrow(DTypeError);
  });

  it('widens losslessly (uint8 → int32/float32, bool → any) and refuses int32 with float32', () => {
    const img = fromArray(new Uint8Array([0, 255]));
    const f = img.add(fromArray([0.5, 0.5]));
    expect(f.dtype).toBe('float32');
    expect(f.toArraySync()).toEqual([0.5, 255.5]);
    expect(img.add(fromArray([1, 1], { dtype: 'int32' })).toArraySync()).toEqual([1, 256]);
    expect(img.div(255).toArraySync()).toEqual([0, 1]);
    const labels = fromArray([1, 2], { dtype: 'int32' });
    expect(() => labels.add(fromArray([0.5, 0.5]))).toThrow(DTypeError);
    expect(() => labels.add(fromArray([0.5, 0.5]))).toThrow(
      /add: cannot mix int32 and float32 without a cast/,
    );
    expect(
      labels
        .cast('float32')
        .add(fromArray([0.5, 0.5]))
        .toArraySync(),
    ).toEqual([1.5, 2.5]);
  });

  it('int32 arithmetic stays int32 and wraps like int32', () => {
    const a = fromArray([7, -7, 2147483647], { dtype: 'int32' });
    expect(a.add(1).toArraySync()).toEqual([8, -6, -2147483648]);
    expect(a.mul(a).dtype).toBe('int32');
    expect(fromArray([65537], { dtype: 'int32' }).mul(65537).item()).toBe(Math.imul(65537, 65537));
    // (2^31 − 1)² needs 62 bits: a double drops the low one, which int32 wrapping keeps (…0001)
    const big = fromArray([2147483647, 65537, -2147483648], { dtype: 'int32' });
    expect([...big.square().dataSync()]).toEqual([1, 131073, 0]);
    expect(() => a.add(0.5)).toThrow(DTypeError);
    expect(() => a.exp()).toThrow(/exp: needs floating-point input but got int32/);
    expect(() => a.div(2)).toThrow(DTypeError);
  });

  it('scalars must fit the array dtype; bool refuses arithmetic', () => {
    const img = fromArray(new Uint8Array([1]));
    expect(() => img.add(256)).toThrow(DTypeError);
    expect(() => img.add(-1)).toThrow(DTypeError);
    expect(() => fromArray([true]).add(fromArray([true]))).toThrow(DTypeError);
    expect(fromArray([true]).exp().dtype).toBe('float32');
  });
});

describe('erf', () => {
  it('matches Python math.erf to double precision (values generated once with CPython 3.11)', () => {
    const xs = [0, 0.1, 0.5, 1, 2, 2.49, 2.51, 3, 4, 5.9, -1.3, 1e-5];
    const ref = [
      0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9995707121322661,
      0.9996142945182758, 0.9999779095030014, 0.9999999845827421, 0.9999999999999999, -0.9340079449406524,
      0.000011283791670579,
    ];
    expectClose(fromArray(Float64Array.from(xs)).erf().dataSync(), ref, 1e-15, 1e-15);
    expectClose(fromArray(xs).erf().dataSync(), Float32Array.from(ref), 1e-7, 1e-7);
  });
});
