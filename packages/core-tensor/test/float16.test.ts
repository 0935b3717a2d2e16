// float16: binary16 conversions (every bit pattern), dtype rules, and the CPU reference rounding
// every result to binary16 (the semantics the WebGPU f16 kernels are checked against).
import {
  bytesPerElement,
  conv2d,
  DTypeError,
  fromArray,
  fromFloat16Bits,
  matmul,
  promoteTypes,
  roundToFloat16,
  toFloat16Bits,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

describe('binary16 conversions', () => {
  it('every finite bit pattern round-trips, NaN stays NaN, ±∞ and ±0 keep their sign', () => {
    let checked = 0;
    for (let h = 0; h < 0x10000; h++) {
      const v = fromFloat16Bits(h);
      if (Number.isNaN(v)) {
        expect(Number.isNaN(roundToFloat16(v))).toBe(true);
        continue;
      }
      expect(toFloat16Bits(v)).toBe(h);
      checked++;
    }
    expect(checked).toBe(0x10000 - 2 * 1023); // two NaN ranges of 1,023 mantissas each
    expect(toFloat16Bits(-0)).toBe(0x8000);
  });

  it('rounds to nearest, ties to even; overflows to ±∞; underflows through the subnormals', () => {
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1); // a tie: down to the even mantissa
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // a tie: up to the even mantissa
    expect(roundToFloat16(0.1)).toBe(0.0999755859375);
    expect(roundToFloat16(65504)).toBe(65504);
    expect(roundToFloat16(65519)).toBe(65504); // below the midpoint to 2¹⁶
    expect(roundToFloat16(65520)).toBe(Number.POSITIVE_INFINITY);
    expect(roundToFloat16(-1e9)).toBe(Number.NEGATIVE_INFINITY);
    expect(roundToFloat16(2 ** -24)).toBe(2 ** -24); // the smallest subnormal
    expect(roundToFloat16(2 ** -25)).toBe(0); // a tie with zero: to even (0)
    expect(roundToFloat16(3 * 2 ** -26)).toBe(2 ** -24);
  });
});

describe('the float16 dtype', () => {
  it('takes two bytes, promotes like a float between the integers and float32', () => {
    expect(bytesPerElement('float16')).toBe(2);
    expect(promoteTypes('add', 'float16', 'float32')).toBe('float32');
    expect(promoteTypes('add', 'uint8', 'float16')).toBe('float16');
    expect(() => promoteTypes('add', 'int32', 'float16')).toThrow(DTypeError);
  });

  it('the CPU rounds what it stores and every result to binary16', () => {
    const x = fromArray([0.1, 1000.3, 3], { dtype: 'float16' });
    expect(Array.from(x.dataSync())).toEqual([0.0999755859375, 1000.5, 3]);
    expect(Array.from(x.mul(3).dataSync())).toEqual([0.2998046875, 3002, 9]); // 3001.5 → 3002 (ties to even)
    expect(Array.from(x.exp().dataSync())[0]).toBe(roundToFloat16(Math.fround(Math.exp(0.0999755859375))));
    expect(x.sum().dataSync()[0]).toBe(1003.5); // 1003.59997… to the nearest multiple of 0.5 (binary16's step below 1024)
    expect(x.mul(100).max().dataSync()[0]).toBe(Number.POSITIVE_INFINITY); // 100,050 overflows
    expect(x.cast('int32').dtype).toBe('int32');
    const a = fromArray(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float16' },
    );
    const p = matmul(a, a.mul(0.1));
    expect(p.dtype).toBe('float16');
    // each product of binary16 inputs summed exactly, then rounded once
    const b = [1, 2, 3, 4].map((k) => roundToFloat16(k * roundToFloat16(0.1))); // a.mul(0.1), in binary16
    const want = [0, 1, 2, 3].map((e) => {
      const [i, j] = [Math.floor(e / 2), e % 2];
      return roundToFloat16((i * 2 + 1) * b[j]! + (i * 2 + 2) * b[2 + j]!);
    });
    expect(Array.from(p.dataSync())).toEqual(want);
  });

  it('the window ops refuse it with a typed error naming float16', () => {
    const x = fromArray([1, 2, 3, 4], { dtype: 'float16' }).reshape(1, 1, 2, 2);
    expect(() => conv2d(x, x)).toThrow(DTypeError);
    expect(() => conv2d(x, x)).toThrow(/not float16/);
  });
});
