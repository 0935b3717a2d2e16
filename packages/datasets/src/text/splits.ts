import { checkOptions, Generator, ValueError } from '@mlblocks/core-tensor';
import { permutation } from '../loading/shuffle.js';

/** Fractions of the validation and test parts (the train part gets the rest). */
export interface SplitFractions {
  /** Default 0.1. */
  valid?: number;
  /** Default 0.1. */
  test?: number;
  /**
   * Without a seed the parts are contiguous — train first, then valid, then test — which is what a
   * token stream needs (no leakage across a boundary). With a seed, items are shuffled first
   * (for a list of documents or sentences).
   */
  seed?: number;
}

/** Train, validation and test parts. */
export interface TrainValidTest<T> {
  readonly train: T;
  readonly valid: T;
  readonly test: T;
}

type Sliceable = { readonly length: number; slice(start?: number, end?: number): unknown };

/**
 * Splits a sequence (an `Int32Array` of token ids, an array of documents, …) into train, validation
 * and test parts of `round(n · valid)` and `round(n · test)` items, the train part taking the rest.
 *
 * @example
 * const { train, valid, test } = trainValidTestSplit(ids, { valid: 0.05, test: 0.05 });
 * const docs = trainValidTestSplit(corpus.documents, { seed: 0 }); // shuffled by document
 */
export function trainValidTestSplit<T extends Sliceable>(
  items: T,
  fractions: SplitFractions = {},
): TrainValidTest<T> {
  checkOptions('trainValidTestSplit', fractions, { valid: true, test: true, seed: true });
  const { valid = 0.1, test = 0.1, seed } = fractions;
  if (!(valid >= 0 && test >= 0 && valid + test <= 1)) {
    throw new ValueError(
      'trainValidTestSplit',
      `valid ${valid} and test ${test} must be ≥ 0 and sum to at most 1`,
    );
  }
  const n = items.length;
  const nTest = Math.round(n * test);
  const nValid = Math.min(Math.round(n * valid), n - nTest);
  const nTrain = n - nValid - nTest;
  let source: T = items;
  if (seed !== undefined) {
    const order = permutation(n, new Generator(seed));
    const shuffled = items.slice() as T & { [i: number]: unknown };
    const original = items as unknown as { [i: number]: unknown };
    for (let i = 0; i < n; i++) shuffled[i] = original[order[i]!];
    source = shuffled;
  }
  return {
    train: source.slice(0, nTrain) as T,
    valid: source.slice(nTrain, nTrain + nValid) as T,
    test: source.slice(nTrain + nValid) as T,
  };
}
