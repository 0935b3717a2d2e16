import type { Tensor } from '@mlblocks/autograd';

/**
 * The lesson's 1-D loss with two valleys:
 *
 *   f(x) = x⁴ − (14/3)·x³ + 5·x²,   f′(x) = 4·x·(x − 1)·(x − 2.5)
 *
 * a local minimum at x = 0 (f = 0), a hill at x = 1 (f = 4/3) and the global minimum at x = 2.5
 * (f = −2.60). Written with autograd ops, so `backward()` gives f′ — no derivative is coded by hand.
 */
export function loss1d(x: Tensor): Tensor {
  return x
    .pow(4)
    .sub(x.pow(3).mul(14 / 3))
    .add(x.square().mul(5));
}

/** The formula, for titles and the README. */
export const LOSS_1D_FORMULA = 'f(x) = x⁴ − (14/3)x³ + 5x²';

/** Where f has its minima (from f′(x) = 4x(x − 1)(x − 2.5) = 0). */
export const MINIMA = { local: 0, global: 2.5 } as const;
