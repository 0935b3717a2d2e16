import { ValueError } from '@mlblocks/core-tensor';
import { DataFormatError } from '../errors.js';
import type { IdxArray } from '../idx/idx-format.js';
import { type Dataset, type Field, gatherRows } from '../loading/dataset.js';

/** The parts of an image classification dataset. */
export interface ImageDatasetInit {
  name: string;
  /** `length × height × width` pixels (0–255), row-major, one image after another. */
  images: Uint8Array;
  /** `length` class indices. */
  labels: Uint8Array;
  height: number;
  width: number;
  /** Class names by label; their count is the number of classes. */
  classNames: readonly string[];
}

/**
 * Grayscale images with class labels — what every image source returns (embedded MNIST, a folder
 * of IDX files, a download). Pixels stay `uint8` in one buffer; `DataLoader` turns batches into
 * NDArrays and transforms (`toFloat`, `normalize`, `flatten`, `oneHotLabels`) do the rest.
 * Treat the buffers as read-only: loaders cache and share them.
 *
 * @example
 * const { train } = loadEmbeddedMnist();
 * train.length;           // 8000
 * train.label(0);         // a digit 0–9
 * train.image(0).length;  // 784 pixels
 */
export class ImageDataset implements Dataset<'images' | 'labels'> {
  readonly name: string;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly classNames: readonly string[];
  readonly fields: Readonly<{ images: Field; labels: Field }>;

  constructor(init: ImageDatasetInit) {
    const { name, images, labels, height, width, classNames } = init;
    const pixels = height * width;
    if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0)) {
      throw new ValueError(
        'ImageDataset',
        `${name}: image size must be positive integers, got ${height}×${width}`,
      );
    }
    if (images.length !== labels.length * pixels) {
      throw new DataFormatError(
        'ImageDataset',
        `${name}: ${labels.length} labels need ${labels.length * pixels} pixels (${height}×${width} each), got ${images.length}`,
      );
    }
    for (let i = 0; i < labels.length; i++) {
      if (labels[i]! >= classNames.length) {
        throw new DataFormatError(
          'ImageDataset',
          `${name}: label ${labels[i]} at index ${i} is not a class index in [0, ${classNames.length - 1}]`,
        );
      }
    }
    this.name = name;
    this.images = images;
    this.labels = labels;
    this.height = height;
    this.width = width;
    this.classNames = classNames;
    this.fields = Object.freeze({
      images: { data: images, shape: [height, width] },
      labels: { data: labels, shape: [] },
    });
  }

  /** Number of images. */
  get length(): number {
    return this.labels.length;
  }

  /** Number of classes (`classNames.length`). */
  get numClasses(): number {
    return this.classNames.length;
  }

  /** The pixels of image `index` (a view into `images`, `height × width` long, row-major). */
  image(index: number): Uint8Array {
    this.check(index);
    const size = this.height * this.width;
    return this.images.subarray(index * size, (index + 1) * size);
  }

  /** The label of image `index`. */
  label(index: number): number {
    this.check(index);
    return this.labels[index]!;
  }

  /** How many images each class has, by label. */
  classCounts(): number[] {
    const counts = new Array<number>(this.numClasses).fill(0);
    for (const label of this.labels) counts[label]!++;
    return counts;
  }

  /** A new dataset holding copies of the images at `indices`, in that order. */
  subset(indices: ArrayLike<number>, name = `${this.name} (subset)`): ImageDataset {
    const size = this.height * this.width;
    return new ImageDataset({
      name,
      images: gatherRows(this.images, size, indices, this.length),
      labels: gatherRows(this.labels, 1, indices, this.length),
      height: this.height,
      width: this.width,
      classNames: this.classNames,
    });
  }

  private check(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.length)) {
      throw new ValueError(
        'ImageDataset',
        `${this.name}: index ${index} is out of range [0, ${this.length})`,
      );
    }
  }
}

/**
 * Pairs an images IDX array (`uint8`, `[n, height, width]`) with a labels IDX array (`uint8`,
 * `[n]`), checking dtypes, ranks, that the counts match and that every label names a class.
 *
 * @throws {DataFormatError} naming the expected and actual shapes or counts.
 */
export function imageDatasetFromIdx(
  name: string,
  images: IdxArray,
  labels: IdxArray,
  classNames: readonly string[],
): ImageDataset {
  const op = 'imageDatasetFromIdx';
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataFormatError(
      op,
      `${name}: images must be uint8 of shape [n, height, width], got ${images.dtype} [${images.shape}]`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DataFormatError(
      op,
      `${name}: labels must be uint8 of shape [n], got ${labels.dtype} [${labels.shape}]`,
    );
  }
  const [count, height, width] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new DataFormatError(
      op,
      `${name}: the images file holds ${count} images but the labels file holds ${labels.shape[0]} labels; expected equal counts`,
    );
  }
  return new ImageDataset({
    name,
    images: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
    height,
    width,
    classNames,
  });
}

/** A train/test pair of image datasets. */
export interface ImageSplit {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
}
