import { checkOptions, type NDArray, oneHot, ValueError } from '@mlblocks/core-tensor';
import type { ImageDataset } from './image-dataset.js';

/**
 * A batch transform: an NDArray in, an NDArray out, on the same backend. `DataLoader` runs each
 * field's transform inside a `tidy` scope, so intermediates are freed and only the result is kept.
 */
export type Transform = (x: NDArray) => NDArray;

/**
 * Pixels to float32 in [0, 1] (`x · scale`, scale 1/255 by default).
 *
 * @example
 * new DataLoader(train, { batchSize: 64, transforms: { images: toFloat() } });
 */
export function toFloat(options: { scale?: number } = {}): Transform {
  checkOptions('toFloat', options, { scale: true });
  const scale = options.scale ?? 1 / 255;
  return (x) => x.cast('float32').mul(scale);
}

/**
 * Standardizes pixels: `(x · scale − mean) / std`, float32 (scale 1/255 by default, so `mean` and
 * `std` are in [0, 1] units as usually quoted). Compute them from the training set with
 * `pixelMeanStd`.
 *
 * @example
 * const stats = pixelMeanStd(train); // { mean: 0.13…, std: 0.30… } for MNIST
 * const images = compose(normalize(stats), flatten());
 */
export function normalize(options: { mean: number; std: number; scale?: number }): Transform {
  checkOptions('normalize', options, { mean: true, std: true, scale: true });
  const { mean, std, scale = 1 / 255 } = options;
  if (!Number.isFinite(mean) || !(std > 0) || !Number.isFinite(std)) {
    throw new ValueError('normalize', `mean must be finite and std positive, got mean ${mean}, std ${std}`);
  }
  return (x) => x.cast('float32').mul(scale).sub(mean).div(std);
}

/** Flattens every sample: `[batch, 28, 28]` becomes `[batch, 784]`. */
export function flatten(): Transform {
  return (x) => (x.rank <= 2 ? x : x.reshape(x.shape[0]!, -1));
}

/** Class indices `[batch]` to one-hot rows `[batch, numClasses]` (float32 by default). */
export function oneHotLabels(numClasses: number, dtype: 'float32' | 'int32' = 'float32'): Transform {
  if (!(Number.isInteger(numClasses) && numClasses > 0)) {
    throw new ValueError('oneHotLabels', `numClasses must be a positive integer, got ${numClasses}`);
  }
  return (x) => oneHot(x, numClasses, dtype);
}

/** Casts to another dtype, e.g. `cast('int32')` for labels stored as uint8. */
export function castTo(dtype: 'float32' | 'int32'): Transform {
  return (x) => x.cast(dtype);
}

/** Applies transforms left to right: `compose(normalize(stats), flatten())`. */
export function compose(...transforms: readonly Transform[]): Transform {
  return (x) => transforms.reduce((y, t) => t(y), x);
}

/**
 * Mean and (population) standard deviation of all pixels of a dataset, in `scale` units
 * (default 1/255), computed exactly on the host in float64.
 */
export function pixelMeanStd(dataset: ImageDataset, options: { scale?: number } = {}) {
  checkOptions('pixelMeanStd', options, { scale: true });
  const scale = options.scale ?? 1 / 255;
  const histogram = new Float64Array(256);
  for (const p of dataset.images) histogram[p]!++;
  let n = 0;
  let sum = 0;
  for (let v = 0; v < 256; v++) {
    n += histogram[v]!;
    sum += histogram[v]! * v;
  }
  const mean = sum / n;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += histogram[v]! * (v - mean) ** 2;
  return { mean: mean * scale, std: Math.sqrt(squares / n) * scale };
}
