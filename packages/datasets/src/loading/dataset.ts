import type { TypedArray } from '@mlblocks/core-tensor';
import { ShapeError, ValueError } from '@mlblocks/core-tensor';

/**
 * One named column of a dataset: `length` samples of `shape` each, stored back to back in one flat
 * typed array (sample `i` is `data.subarray(i * size, (i + 1) * size)`, `size` = product of `shape`).
 */
export interface Field {
  readonly data: TypedArray;
  /** Shape of one sample, e.g. `[28, 28]` for an image or `[]` for a label. */
  readonly shape: readonly number[];
}

/**
 * The one shape every source produces and `DataLoader` consumes: a length and named fields
 * (images and labels for the image sources). Everything is in flat typed arrays — 60,000 MNIST
 * images are one 47 MB `Uint8Array`, not 47 million JS numbers.
 */
export interface Dataset<K extends string = string> {
  readonly name: string;
  readonly length: number;
  readonly fields: Readonly<Record<K, Field>>;
}

/** Elements per sample of a field. */
export function sampleSize(field: Field): number {
  return field.shape.reduce((a, b) => a * b, 1);
}

/**
 * A dataset from typed arrays (like PyTorch's `TensorDataset`): every field must hold the same
 * number of samples.
 *
 * @example
 * const pairs = arrayDataset('skip-gram pairs', {
 *   center: { data: centers, shape: [] },   // Int32Array
 *   context: { data: contexts, shape: [] },
 * });
 */
export function arrayDataset<K extends string>(name: string, fields: Record<K, Field>): Dataset<K> {
  const keys = Object.keys(fields) as K[];
  if (keys.length === 0) throw new ValueError('arrayDataset', `${name}: a dataset needs at least one field`);
  let length = -1;
  for (const key of keys) {
    const field = fields[key];
    const size = sampleSize(field);
    if (!field.shape.every((d) => Number.isInteger(d) && d >= 0) || size === 0) {
      throw new ShapeError('arrayDataset', `${name}.${key}: invalid sample shape [${field.shape}]`);
    }
    if (field.data.length % size !== 0) {
      throw new ShapeError(
        'arrayDataset',
        `${name}.${key}: ${field.data.length} elements is not a whole number of samples of shape [${field.shape}]`,
      );
    }
    const n = field.data.length / size;
    if (length >= 0 && n !== length) {
      throw new ShapeError(
        'arrayDataset',
        `${name}: field '${key}' has ${n} samples but '${keys[0]}' has ${length}; every field needs the same count`,
      );
    }
    length = n;
  }
  return { name, length, fields };
}

/** Copies rows `indices` (each `rowSize` elements) of `data` into a new array of the same type. */
export function gatherRows<T extends TypedArray>(
  data: T,
  rowSize: number,
  indices: ArrayLike<number>,
  length: number,
): T {
  const Ctor = data.constructor as new (n: number) => T;
  const out = new Ctor(indices.length * rowSize);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(Number.isInteger(i) && i >= 0 && i < length)) {
      throw new ValueError('subset', `index ${i} is out of range for a dataset of ${length} samples`);
    }
    if (rowSize === 1) out[j] = data[i]!;
    else out.set(data.subarray(i * rowSize, (i + 1) * rowSize), j * rowSize);
  }
  return out;
}
