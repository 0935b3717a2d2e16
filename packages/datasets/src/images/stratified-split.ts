import { Generator, ValueError } from '@mlblocks/core-tensor';
import { shuffleInPlace } from '../loading/shuffle.js';

/** Indices of a train/test split. */
export interface IndexSplit {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * A seeded, stratified train/test split of sample indices: every class keeps (as nearly as
 * possible) the same share in both parts.
 *
 * Procedure (fixed, so splits never change between versions):
 * 1. the test set gets `round(n · testFraction)` samples; class `c` gets `floor(n_c · testFraction)`
 *    and the remaining ones go to the classes with the largest fractional parts (ties: lower label);
 * 2. a `Generator(seed)` shuffles each class's indices (classes in ascending label order), and
 *    the first ones of each class go to the test set;
 * 3. the same generator then shuffles the train indices, then the test indices, so neither part is
 *    ordered by class.
 *
 * @example
 * const { train, test } = stratifiedSplit(labels, 0.2, 0); // Int32Arrays of indices
 */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed: number): IndexSplit {
  if (!(testFraction >= 0 && testFraction <= 1)) {
    throw new ValueError('stratifiedSplit', `testFraction must be in [0, 1], got ${testFraction}`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quotas = testQuotas(
    classes.map((c) => byClass.get(c)!.length),
    testFraction,
    Math.round(labels.length * testFraction),
  );
  const generator = new Generator(seed);
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const members = shuffleInPlace(byClass.get(c)!, generator);
    members.forEach((index, j) => {
      (j < quotas[k]! ? test : train).push(index);
    });
  });
  return {
    train: shuffleInPlace(Int32Array.from(train), generator),
    test: shuffleInPlace(Int32Array.from(test), generator),
  };
}

// Largest-remainder apportionment of `total` test samples over classes of the given sizes.
function testQuotas(sizes: number[], fraction: number, total: number): number[] {
  const exact = sizes.map((n) => n * fraction);
  const quotas = exact.map(Math.floor);
  const order = exact
    .map((x, k) => ({ k, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.k - b.k);
  let left = total - quotas.reduce((a, b) => a + b, 0);
  for (const { k } of order) {
    if (left <= 0) break;
    if (quotas[k]! < sizes[k]!) {
      quotas[k]!++;
      left--;
    }
  }
  return quotas;
}
