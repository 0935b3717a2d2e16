// The error function in double precision: the same algorithm as core-tensor's CPU reference
// (Maclaurin series below 2.5, Lentz continued fraction for erfc above), so results round alike.

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const SQRT_PI: f64 = 1.7724538509055159;

export function erf(x: f64): f64 {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a > 6) return x > 0 ? 1 : -1;
  if (a < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / <f64>n;
      const next = term / <f64>(2 * n + 1);
      sum += next;
      if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  const tiny = 1e-300;
  let f = a;
  let C = a;
  let D: f64 = 0;
  for (let n = 1; n < 200; n++) {
    const an = <f64>n / 2;
    D = a + an * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = a + an / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / (f * SQRT_PI);
  return x > 0 ? 1 - erfc : -(1 - erfc);
}
