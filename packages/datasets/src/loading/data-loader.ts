import {
  checkOptions,
  fromArray,
  Generator,
  getBackend,
  type NDArray,
  tidy,
  ValueError,
} from '@mlblocks/core-tensor';
import type { Transform } from '../images/transforms.js';
import { type Dataset, gatherRows, sampleSize } from './dataset.js';
import { permutation } from './shuffle.js';

/** Options of a `DataLoader`. */
export interface DataLoaderOptions<K extends string> {
  /** Samples per batch (a positive integer). */
  batchSize: number;
  /** Visit samples in a new random order every epoch (default false: dataset order). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0); ignored when `generator` is given. */
  seed?: number;
  /** Generator to shuffle with (shared state: successive epochs continue its stream). */
  generator?: Generator;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Per-field batch transforms, e.g. `{ images: normalize(stats), labels: oneHotLabels(10) }`. */
  transforms?: Partial<Record<K, Transform>>;
  /** Registered backend the batches are created on (default: the current default backend). */
  backend?: string;
}

/** One batch: each field of the dataset as an NDArray of shape `[batch, ...sampleShape]`. */
export type Batch<K extends string> = Record<K, NDArray>;

/**
 * Iterates over a dataset in batches of NDArrays. Each epoch (each `for await` / `for` loop over
 * the loader) visits every sample once; with `shuffle`, in a fresh order drawn from a seeded
 * `Generator`, so a run is reproducible: epoch `e` of two loaders with the same seed is the same.
 * Batches belong to the caller: dispose them (or create them inside your `tidy`) when done.
 * No file system access here — the same code runs in Node and in browsers.
 *
 * @example
 * const loader = new DataLoader(train, {
 *   batchSize: 64,
 *   shuffle: true,
 *   seed: 42,
 *   transforms: { images: compose(normalize(pixelMeanStd(train)), flatten()) },
 * });
 * for await (const { images, labels } of loader) {
 *   // images: float32 [64, 784], labels: uint8 [64]
 *   dispose([images, labels]);
 * }
 */
export class DataLoader<K extends string> implements AsyncIterable<Batch<K>>, Iterable<Batch<K>> {
  readonly dataset: Dataset<K>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;
  private readonly transforms: Partial<Record<K, Transform>>;
  private readonly backend: string | undefined;
  private epochCount = 0;

  constructor(dataset: Dataset<K>, options: DataLoaderOptions<K>) {
    checkOptions('DataLoader', options, {
      batchSize: true,
      shuffle: true,
      seed: true,
      generator: true,
      dropLast: true,
      transforms: true,
      backend: true,
    });
    const { batchSize, shuffle = false, dropLast = false, transforms = {}, backend } = options;
    if (!(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new ValueError('DataLoader', `batchSize must be a positive integer, got ${batchSize}`);
    }
    for (const key of Object.keys(transforms)) {
      if (!(key in dataset.fields)) {
        throw new ValueError(
          'DataLoader',
          `transform for unknown field '${key}'; the dataset has ${Object.keys(dataset.fields).join(', ')}`,
        );
      }
    }
    if (backend !== undefined) getBackend(backend); // unknown names fail now, not mid-epoch
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.transforms = transforms;
    this.backend = backend;
    this.generator = options.generator ?? new Generator(options.seed ?? 0);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Epochs started so far. */
  get epochs(): number {
    return this.epochCount;
  }

  /**
   * The sample indices of the next epoch, batch by batch (advances the shuffle stream). The
   * iterators use this; it is public for inspection and for loaders of your own.
   */
  nextEpochOrder(): Int32Array[] {
    this.epochCount++;
    const n = this.dataset.length;
    const order = this.shuffle ? permutation(n, this.generator) : Int32Array.from({ length: n }, (_, i) => i);
    const batches: Int32Array[] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, n);
      if (end - start < this.batchSize && this.dropLast) break;
      batches.push(order.subarray(start, end));
    }
    return batches;
  }

  /** Builds the batch of the given sample indices (fields gathered, uploaded, transformed). */
  batch(indices: ArrayLike<number>): Batch<K> {
    return tidy(() => {
      const out = {} as Batch<K>;
      for (const key of Object.keys(this.dataset.fields) as K[]) {
        const field = this.dataset.fields[key];
        const rows = gatherRows(field.data, sampleSize(field), indices, this.dataset.length);
        const array = fromArray(rows, { shape: [indices.length, ...field.shape], backend: this.backend });
        const transform = this.transforms[key];
        out[key] = transform ? transform(array) : array;
      }
      return out;
    });
  }

  /** Synchronous iteration over one epoch (CPU-friendly; the async form suits GPU pipelines). */
  *[Symbol.iterator](): Iterator<Batch<K>> {
    for (const indices of this.nextEpochOrder()) yield this.batch(indices);
  }

  /** Asynchronous iteration over one epoch: `for await (const batch of loader)`. */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch<K>> {
    for (const indices of this.nextEpochOrder()) yield this.batch(indices);
  }
}
