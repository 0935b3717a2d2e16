import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkOptions } from '@mlblocks/core-tensor';
import { DataNotFoundError } from '../errors.js';
import { FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES } from '../images/class-names.js';
import { type ImageDataset, type ImageSplit, imageDatasetFromIdx } from '../images/image-dataset.js';
import { readIdxFile } from './read-idx-file.js';

/** The Debian package `dataset-fashion-mnist` installs the gzipped IDX files here. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Which part of an MNIST-style folder. */
export type SplitName = 'train' | 't10k';

/** Options of the IDX folder loaders. */
export interface IdxFolderOptions {
  /** Class names by label (default the digits `'0'`–`'9'`). */
  classNames?: readonly string[];
  /** Dataset name used in messages and `dataset.name` (default: the folder path). */
  name?: string;
  /** Advice appended to the "not found" message. */
  hint?: string;
}

const cache = new Map<string, ImageDataset>();

/**
 * The file of one split and kind in an MNIST-style folder: `train-images-idx3-ubyte` and the like,
 * raw or with `.gz`, also with a dot (`train-images.idx3-ubyte`, Kaggle's naming).
 */
export function findIdxFile(dir: string, split: SplitName, kind: 'images' | 'labels', hint = ''): string {
  const rank = kind === 'images' ? 3 : 1;
  const bases = [`${split}-${kind}-idx${rank}-ubyte`, `${split}-${kind}.idx${rank}-ubyte`];
  const candidates = bases.flatMap((b) => [join(dir, b), join(dir, `${b}.gz`)]);
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new DataNotFoundError(
      'loadIdxFolder',
      `no ${split} ${kind} file in ${dir} (looked for ${bases.map((b) => `${b}[.gz]`).join(', ')})${hint}`,
    );
  }
  return found;
}

/**
 * Loads one split (`'train'` or `'t10k'`) of a folder of MNIST-format IDX files — full MNIST,
 * Fashion-MNIST, KMNIST, … — validating both files and that their counts agree. Results are cached
 * in memory per file path, size and modification time, so loading again is instant.
 */
export function loadIdxSplit(dir: string, split: SplitName, options: IdxFolderOptions = {}): ImageDataset {
  checkOptions('loadIdxSplit', options, { classNames: true, name: true, hint: true });
  const folder = resolve(dir);
  const imagesPath = findIdxFile(folder, split, 'images', options.hint);
  const labelsPath = findIdxFile(folder, split, 'labels', options.hint);
  const classNames = options.classNames ?? MNIST_CLASS_NAMES;
  const key = [imagesPath, labelsPath].map(fingerprint).concat(classNames.join('\u0000')).join('|');
  const cached = cache.get(key);
  if (cached) return cached;
  const labels = readIdxFile(labelsPath, { dtype: 'uint8', shape: [-1] });
  const images = readIdxFile(imagesPath, { dtype: 'uint8', shape: [-1, -1, -1] });
  const name = `${options.name ?? folder}/${split === 't10k' ? 'test' : 'train'}`;
  const dataset = imageDatasetFromIdx(name, images, labels, classNames);
  cache.set(key, dataset);
  return dataset;
}

/** Loads both splits of an MNIST-format folder as `{ train, test }` (see `loadIdxSplit`). */
export function loadIdxFolder(dir: string, options: IdxFolderOptions = {}): ImageSplit {
  return { train: loadIdxSplit(dir, 'train', options), test: loadIdxSplit(dir, 't10k', options) };
}

/**
 * Fashion-MNIST from a local folder (default: where Debian's `dataset-fashion-mnist` puts it):
 * 60,000 train and 10,000 test 28×28 images of 10 clothing classes, `FASHION_MNIST_CLASS_NAMES`.
 *
 * @example
 * const { train, test } = loadFashionMnist(); // after `apt-get install dataset-fashion-mnist`
 * train.classNames[train.label(0)];           // 'Ankle boot'
 */
export function loadFashionMnist(options: { dir?: string } = {}): ImageSplit {
  checkOptions('loadFashionMnist', options, { dir: true });
  return loadIdxFolder(options.dir ?? DEBIAN_FASHION_MNIST_DIR, {
    classNames: FASHION_MNIST_CLASS_NAMES,
    name: 'fashion-mnist',
    hint:
      options.dir === undefined
        ? '; install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu) or use downloadMnist({ variant: "fashion-mnist" })'
        : '',
  });
}

/** Forgets the datasets cached by the folder loaders (see `clearDatasetCache`). */
export function clearIdxFolderCache(): void {
  cache.clear();
}

function fingerprint(path: string): string {
  const stat = statSync(path);
  return `${path}:${stat.size}:${stat.mtimeMs}`;
}
