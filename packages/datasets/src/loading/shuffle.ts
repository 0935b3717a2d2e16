import type { Generator } from '@mlblocks/core-tensor';

/**
 * Shuffles `array` in place (Fisher–Yates, drawing from `generator`): every order is equally
 * likely, and the same generator state always gives the same order.
 */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
  array: T,
  generator: Generator,
): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = generator.nextInt(0, i + 1);
    const t = array[i]!;
    array[i] = array[j]!;
    array[j] = t;
  }
  return array;
}

/** A random permutation of `0 … n−1`. */
export function permutation(n: number, generator: Generator): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, generator);
}
