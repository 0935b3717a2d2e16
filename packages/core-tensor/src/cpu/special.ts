/**
 * Special functions JavaScript's Math lacks, accurate to double precision so that float64
 * finite-difference checks can trust them.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, to about 1e-15 absolute. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a > 6) return Math.sign(x); // 1 − erf(6) < 3e-17
  if (a < 2.5) {
    // Maclaurin series: erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)); converges fast for small |x|
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const next = term / (2 * n + 1);
      sum += next;
      if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  // continued fraction for erfc (Lentz's method), accurate where the series would cancel badly
  const tiny = 1e-300;
  let f = a;
  let C = a;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    D = a + an * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = a + an / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}
