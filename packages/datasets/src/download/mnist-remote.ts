import { join } from 'node:path';
import { checkOptions, type OptionNames } from '@mlblocks/core-tensor';
import { FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES } from '../images/class-names.js';
import type { ImageSplit } from '../images/image-dataset.js';
import { defaultCacheDir } from '../node/cache-dir.js';
import { loadIdxFolder } from '../node/idx-folder.js';
import { type DownloadOptions, downloadFile } from './download-file.js';

/** The four files of an MNIST-format dataset. */
export const IDX_FILE_NAMES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;

/** A downloadable MNIST-format dataset: mirrors (base URLs ending in `/`) and content hashes. */
export interface RemoteIdxDataset {
  readonly name: string;
  /** Base URLs; each file is fetched as `base + name + '.gz'`. */
  readonly mirrors: readonly string[];
  /**
   * SHA-256 of each *decompressed* file: mirrors recompress (Debian's Fashion-MNIST archives differ
   * from Zalando's byte for byte) but the IDX content is the same everywhere.
   */
  readonly sha256: Readonly<Record<(typeof IDX_FILE_NAMES)[number], string>>;
  readonly classNames: readonly string[];
}

/** MNIST (LeCun, Cortes, Burges): 60,000 + 10,000 handwritten digits. */
export const MNIST_REMOTE: RemoteIdxDataset = Object.freeze({
  name: 'mnist',
  mirrors: [
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'https://storage.googleapis.com/cvdf-datasets/mnist/',
  ],
  sha256: {
    'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  },
  classNames: MNIST_CLASS_NAMES,
});

/** Fashion-MNIST (Xiao, Rasul, Vollgraf — Zalando Research): 60,000 + 10,000 clothing images. */
export const FASHION_MNIST_REMOTE: RemoteIdxDataset = Object.freeze({
  name: 'fashion-mnist',
  mirrors: [
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  ],
  sha256: {
    'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
  classNames: FASHION_MNIST_CLASS_NAMES,
});

/** Options of `downloadMnist`. */
export interface DownloadMnistOptions
  extends Pick<
    DownloadOptions,
    | 'retries'
    | 'retryDelayMs'
    | 'timeoutMs'
    | 'minBytesPerSecond'
    | 'deadlineMs'
    | 'progress'
    | 'onProgress'
    | 'signal'
  > {
  /** Which dataset (default `'mnist'`), or a description of your own. */
  variant?: 'mnist' | 'fashion-mnist' | RemoteIdxDataset;
  /** Replaces the preset's mirror list (base URLs ending in `/`). */
  mirrors?: readonly string[];
  /** Cache root (default `defaultCacheDir()`); files go to `<cacheDir>/<name>/`. */
  cacheDir?: string;
}

const DOWNLOAD_MNIST_OPTIONS: OptionNames<DownloadMnistOptions> = {
  variant: true,
  mirrors: true,
  cacheDir: true,
  retries: true,
  retryDelayMs: true,
  timeoutMs: true,
  minBytesPerSecond: true,
  deadlineMs: true,
  progress: true,
  onProgress: true,
  signal: true,
};

/**
 * Downloads (once) and loads an MNIST-format dataset: the four gzip files are fetched from the
 * mirrors, decompressed, verified against their SHA-256 and stored under
 * `<cacheDir>/<name>/`; later calls find them there and only parse (loading is cached in memory
 * too). See `downloadFile` for resume, retry and atomicity.
 *
 * @example
 * const { train, test } = await downloadMnist({ variant: 'fashion-mnist' });
 */
export async function downloadMnist(options: DownloadMnistOptions = {}): Promise<ImageSplit> {
  checkOptions('downloadMnist', options, DOWNLOAD_MNIST_OPTIONS);
  const { variant = 'mnist', cacheDir = defaultCacheDir(), mirrors: _, ...transfer } = options;
  const spec =
    variant === 'mnist' ? MNIST_REMOTE : variant === 'fashion-mnist' ? FASHION_MNIST_REMOTE : variant;
  const mirrors = options.mirrors ?? spec.mirrors;
  const folder = join(cacheDir, spec.name);
  for (const file of IDX_FILE_NAMES) {
    await downloadFile({
      ...transfer,
      urls: mirrors.map((base) => `${base}${file}.gz`),
      dest: join(folder, file),
      sha256: spec.sha256[file],
      gunzip: true,
    });
  }
  return loadIdxFolder(folder, { classNames: spec.classNames, name: spec.name });
}
