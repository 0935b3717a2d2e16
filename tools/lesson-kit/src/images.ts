import type { Generator, NDArray } from '@mlblocks/core-tensor';
import {
  compose,
  DataLoader,
  flatten,
  type ImageDataset,
  type ImageSplit,
  loadEmbeddedMnist,
  loadFashionMnist,
  loadIdxFolder,
  normalize,
  pixelMeanStd,
  toFloat,
} from '@mlblocks/datasets/node';

/** The data of a run: train/test images, the normalization learned from train, and a name. */
export interface ImageData extends ImageSplit {
  source: string;
  stats: { mean: number; std: number };
}

/**
 * The embedded MNIST digits (8,000 train / 2,000 test, no download), Fashion-MNIST, or a folder
 * of IDX files (see `loadSplit`), optionally cut to the first `trainSize` / `testSize` images.
 */
export function loadImageData(options: { data?: string; trainSize?: number; testSize?: number }): ImageData {
  const { split, source } = loadSplit(options.data);
  const train = firstN(split.train, options.trainSize);
  const test = firstN(split.test, options.testSize);
  return { train, test, source, stats: pixelMeanStd(train) };
}

/**
 * `undefined`: the embedded MNIST digits; `'fashion'`: Fashion-MNIST where Debian's
 * dataset-fashion-mnist puts it; a folder whose path mentions "fashion": Fashion-MNIST there (with
 * its class names); any other folder: IDX files with the digits as class names.
 */
function loadSplit(data: string | undefined): { split: ImageSplit; source: string } {
  if (data === undefined) return { split: loadEmbeddedMnist(), source: 'embedded MNIST' };
  if (data === 'fashion') return { split: loadFashionMnist(), source: 'Fashion-MNIST' };
  if (/fashion/i.test(data)) return { split: loadFashionMnist({ dir: data }), source: 'Fashion-MNIST' };
  return { split: loadIdxFolder(data), source: data };
}

function firstN(dataset: ImageDataset, n: number | undefined): ImageDataset {
  if (n === undefined || n >= dataset.length) return dataset;
  return dataset.subset(
    Int32Array.from({ length: n }, (_, i) => i),
    dataset.name,
  );
}

/**
 * Batches of images and their labels (uint8), created on `backend`: flattened (`[batch, 784]`
 * float32, `layout: 'flat'`, the default) for fully connected networks, or as image planes
 * (`[batch, 1, 28, 28]`, `layout: 'nchw'`) for convolutional ones. Pixels are standardized with
 * `stats` ((x/255 − mean)/std), or with `stats: null` just scaled to [0, 1] (blank pixels stay 0).
 */
export function imageLoader(
  dataset: ImageDataset,
  stats: { mean: number; std: number } | null,
  options: {
    batchSize: number;
    shuffle: boolean;
    generator: Generator;
    backend: string;
    layout?: 'flat' | 'nchw';
  },
): DataLoader<'images' | 'labels'> {
  const { layout = 'flat', ...loaderOptions } = options;
  const shape = layout === 'nchw' ? planes() : flatten();
  return new DataLoader(dataset, {
    ...loaderOptions,
    transforms: { images: compose(stats ? normalize(stats) : toFloat(), shape) },
  });
}

// [batch, H, W] → [batch, 1, H, W]: one grayscale channel, as convolutions take images
function planes(): (x: NDArray) => NDArray {
  return (x) => x.reshape(x.shape[0]!, 1, x.shape[1]!, x.shape[2]!);
}
