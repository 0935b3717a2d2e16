import { checkOptions, type Generator, type OptionNames, rand, ValueError } from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Apply dropout (training); when false the input passes through unchanged. Default true. */
  training?: boolean;
  /** Generator for the mask (default: the global one, see `seed`). */
  generator?: Generator;
}

const DROPOUT_OPTIONS: OptionNames<DropoutOptions> = { training: true, generator: true };

/**
 * Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1 − p),
 * so the expected value is unchanged and evaluation needs no rescaling. The same mask gates the
 * gradient.
 */
export function dropout(a: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkOptions('dropout', options, DROPOUT_OPTIONS);
  if (!(p >= 0 && p <= 1)) throw new ValueError('dropout', `p must be in [0, 1], got ${p}`);
  if (options.training === false || p === 0) return a;
  return record('dropout', [a], (x) => {
    const keepMask = rand(x.shape, { generator: options.generator, backend: x.backend.name }).ge(p);
    const scale = keepMask.cast(x.dtype).mul(p === 1 ? 0 : 1 / (1 - p));
    return { out: x.mul(scale), saved: [scale], backward: (g, [s]) => [g.mul(s!)] };
  });
}
