/**
 * IEEE 754 binary16 ("half") on the host, where JavaScript has no Float16Array (Node 20): values
 * of dtype float16 are kept in a Float32Array, each one exactly representable in binary16, and
 * converted to and from the 16-bit patterns a GPU stores. Rounding is to nearest, ties to even;
 * magnitudes past 65,504 become ±∞, tiny ones subnormal or ±0; NaN stays NaN.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bit pattern nearest to `x` (first rounded to float32, as every host array is). */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // ±∞, NaN
  const e = exponent - 127 + 15; // the half's biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow to ±∞
  if (e <= 0) {
    // subnormal half (or zero): shift the implicit 1 in, round to nearest even
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // a carry out of the mantissa correctly bumps the exponent (up to ∞)
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** The value of a binary16 bit pattern. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** `x` rounded to the nearest binary16 value. */
export function roundToFloat16(x: number): number {
  return fromFloat16Bits(toFloat16Bits(x));
}

/** Rounds every element of `values` to binary16, in place. */
export function roundToFloat16InPlace(values: { length: number; [i: number]: number }): void {
  for (let i = 0; i < values.length; i++) values[i] = roundToFloat16(values[i]!);
}
