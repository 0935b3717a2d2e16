import { ValueError } from '@mlblocks/core-tensor';

/** One axis of a convolution or pooling: input size N, filter size F, stride S, padding P. */
export interface Window {
  n: number;
  f: number;
  s: number;
  p: number;
}

/** "(7 + 2·0 − 3)/2 + 1" */
export function formula({ n, f, s, p }: Window): string {
  return `(${n} + 2·${p} − ${f})/${s} + 1`;
}

/**
 * The lesson's output-size rule, (N + 2P − F)/S + 1, held to the lesson's standard: the filter
 * must fit the padded input exactly, so a stride that leaves pixels over is an error saying by how
 * much and what would fit. (The library, like PyTorch, rounds down instead: `outputSize` drops the
 * last, incomplete window — ResNet's 7×7 stride-2 stem on 224 pixels gives 112.5 → 112.)
 *
 * @throws {ValueError} when the filter is larger than the padded input, or the stride does not
 * divide N + 2P − F.
 */
export function exactOutputSize(w: Window): number {
  const { n, f, s, p } = w;
  const span = n + 2 * p - f;
  if (span < 0) {
    throw new ValueError(
      'output size',
      `a ${f}×${f} filter does not fit a ${n}×${n} input with padding ${p} (N + 2P = ${n + 2 * p} < F = ${f})`,
    );
  }
  if (span % s !== 0) {
    const size = span / s + 1;
    const fits = [s - 1, s + 1].filter((t) => t >= 1 && span % t === 0);
    const pads = [p + 1, p + 2].filter((q) => (n + 2 * q - f) % s === 0);
    throw new ValueError(
      'output size',
      `${formula(w)} = ${Number(size.toFixed(2))} is not an integer: a ${f}×${f} filter with stride ${s} does not fit a ${n}×${n} input (${span % s} pixel${span % s === 1 ? '' : 's'} left over)${fits.length ? `; stride ${fits.join(' or ')} fits` : ''}${pads.length ? `; so does padding ${pads[0]}` : ''}`,
    );
  }
  return span / s + 1;
}

/** The padding that keeps the size at stride 1: P = (F − 1)/2 (F odd). */
export function samePadding(f: number): number {
  if (f % 2 !== 1)
    throw new ValueError('same padding', `an even filter (${f}) cannot be centered: use an odd size`);
  return (f - 1) / 2;
}
