import { type DType, type Generator, roundToFloat16, type TypedArray } from '@mlblocks/core-tensor';

/**
 * What values an input holds:
 * - `any`: normal(0, 3) floats; integers in [−50, 50); uint8 over [0, 255]; random bools;
 * - `normal`: normal(0, 1) floats (matrix products: long dot products of `any` lose more bits);
 * - `positive`: floats in [0.1, ∞) (log, sqrt);
 * - `nonzero`: floats at least 0.5 away from 0 (reciprocal, divisors);
 * - `small`: floats in [−3, 3) with fractions; integers in [−3, 5] (uint8: [0, 5]) (exponents);
 * - `unit`: floats in [0.5, 1.5); integers in {−1, 1, 2} (uint8: {1, 2}) — products stay exact;
 * - `edge`: finite edge values of the dtype (±0, halves for rounding, huge and tiny floats; int32
 *   extremes that wrap; uint8 0 and 255), mixed with `any`;
 * - `nonFinite`: `edge` plus NaN and ±∞ (floats only).
 */
export type Domain = 'any' | 'normal' | 'positive' | 'nonzero' | 'small' | 'unit' | 'edge' | 'nonFinite';

const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const EDGE_FLOATS = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e30, -1e30, 1e-30];
const EDGE_INTS = [2147483647, -2147483648, 65537, -65537, 0, -1, 1];
const EDGE_UINT8 = [0, 1, 127, 128, 255];

/** `n` values of `dtype` from `domain`, as the typed array a backend uploads. */
export function valuesOf(dtype: DType, n: number, domain: Domain, gen: Generator): TypedArray {
  const out = typedArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = value(dtype, domain, gen, i);
  return dtype === 'float16' ? out.map(roundToFloat16) : out;
}

/** The typed array a backend stores `dtype` in, holding `values` (or `n` zeros). */
export function typedArray(dtype: DType, values: number | readonly number[]): TypedArray {
  const source = typeof values === 'number' ? new Array<number>(values).fill(0) : values;
  if (dtype === 'float64') return Float64Array.from(source);
  if (dtype === 'float32') return Float32Array.from(source);
  // float16: its host form, float32 values that binary16 holds exactly
  if (dtype === 'float16') return Float32Array.from(source, roundToFloat16);
  if (dtype === 'int32') return Int32Array.from(source);
  return Uint8Array.from(source);
}

function value(dtype: DType, domain: Domain, gen: Generator, i: number): number {
  if (dtype === 'bool') return gen.nextFloat() < 0.5 ? 1 : 0;
  const float = dtype === 'float16' || dtype === 'float32' || dtype === 'float64';
  const uint8 = dtype === 'uint8';
  // every third element of an `edge` or `nonFinite` input is an edge value, the rest are ordinary
  if ((domain === 'edge' || domain === 'nonFinite') && i % 3 === 0) {
    const pool = float
      ? domain === 'nonFinite'
        ? [...NON_FINITE, ...EDGE_FLOATS]
        : EDGE_FLOATS
      : uint8
        ? EDGE_UINT8
        : EDGE_INTS;
    return pool[gen.nextInt(0, pool.length)]!;
  }
  switch (domain) {
    case 'normal':
      return float ? gen.nextNormal() : gen.nextInt(-50, 50);
    case 'positive':
      return float ? Math.abs(gen.nextNormal()) * 3 + 0.1 : gen.nextInt(1, 50);
    case 'nonzero': {
      if (!float) return gen.nextInt(1, 50) * (uint8 || gen.nextFloat() < 0.5 ? 1 : -1);
      const v = gen.nextNormal() * 3;
      return v + (v < 0 ? -0.5 : 0.5);
    }
    case 'small':
      return float ? gen.nextFloat() * 6 - 3 : uint8 ? gen.nextInt(0, 6) : gen.nextInt(-3, 6);
    case 'unit':
      if (float) return 0.5 + gen.nextFloat();
      return uint8 ? gen.nextInt(1, 3) : [-1, 1, 2][gen.nextInt(0, 3)]!;
    default:
      return float ? gen.nextNormal() * 3 : uint8 ? gen.nextInt(0, 256) : gen.nextInt(-50, 50);
  }
}
