import { renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  clearDatasetCache,
  DataFormatError,
  DataNotFoundError,
  FASHION_MNIST_CLASS_NAMES,
  loadFashionMnist,
  loadIdxFolder,
  loadIdxSplit,
  readIdxFile,
} from '@mlblocks/datasets/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, tinyIdx, writeIdxFolder } from './helpers/fixtures.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
  clearDatasetCache();
});
afterEach(() => dir.cleanup());

describe('readIdxFile', () => {
  it('reads raw and gzipped files, detected by content', () => {
    const { labels } = tinyIdx(7);
    writeFileSync(join(dir.path, 'raw'), labels);
    writeFileSync(join(dir.path, 'packed.bin'), gzipSync(labels)); // the name says nothing
    const raw = readIdxFile(join(dir.path, 'raw'));
    const packed = readIdxFile(join(dir.path, 'packed.bin'), { dtype: 'uint8', shape: [-1] });
    expect([...packed.data]).toEqual([...raw.data]);
    expect(packed.shape).toEqual([7]);
  });

  it('names the file in format errors', () => {
    const { labels } = tinyIdx(7);
    const path = join(dir.path, 'short-labels');
    writeFileSync(path, labels.subarray(0, 12));
    expect(() => readIdxFile(path)).toThrow(new RegExp(`${path}: truncated: shape \\[7\\]`));
  });

  it('rejects a truncated gzip file with a DataFormatError (never partial data)', () => {
    const path = join(dir.path, 'cut.gz');
    const gz = gzipSync(tinyIdx(50).images);
    writeFileSync(path, gz.subarray(0, gz.length / 2));
    expect(() => readIdxFile(path)).toThrow(DataFormatError);
    expect(() => readIdxFile(path)).toThrow(/truncated or corrupt gzip data/);
  });

  it('rejects a gzip file with a corrupted body', () => {
    const path = join(dir.path, 'bad.gz');
    const gz = gzipSync(tinyIdx(50).images);
    gz[gz.length - 6] = gz[gz.length - 6]! ^ 0xff; // CRC32 no longer matches
    writeFileSync(path, gz);
    expect(() => readIdxFile(path)).toThrow(DataFormatError);
  });

  it('reports a missing file as DataNotFoundError', () => {
    expect(() => readIdxFile(join(dir.path, 'nope'))).toThrow(DataNotFoundError);
  });
});

describe('loadIdxFolder', () => {
  it('loads both splits of a gzipped folder', () => {
    writeIdxFolder(dir.path, { trainCount: 30, testCount: 10 });
    const { train, test } = loadIdxFolder(dir.path, { name: 'tiny' });
    expect([train.length, test.length]).toEqual([30, 10]);
    expect(train.name).toBe('tiny/train');
    expect(test.name).toBe('tiny/test');
    expect([...train.image(29)]).toEqual(new Array(16).fill(29));
    expect(train.classCounts()).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
  });

  it('loads raw files and the dotted (Kaggle) naming', () => {
    writeIdxFolder(dir.path, { gzip: false });
    renameSync(join(dir.path, 't10k-labels-idx1-ubyte'), join(dir.path, 't10k-labels.idx1-ubyte'));
    expect(loadIdxSplit(dir.path, 't10k').length).toBe(10);
  });

  it('rejects images and labels files of different lengths', () => {
    writeIdxFolder(dir.path, { trainCount: 30 });
    writeFileSync(join(dir.path, 'train-labels-idx1-ubyte.gz'), gzipSync(tinyIdx(29).labels));
    expect(() => loadIdxSplit(dir.path, 'train')).toThrow(
      /the images file holds 30 images but the labels file holds 29 labels; expected equal counts/,
    );
  });

  it('rejects a labels file in the images slot', () => {
    writeIdxFolder(dir.path);
    writeFileSync(join(dir.path, 'train-images-idx3-ubyte.gz'), gzipSync(tinyIdx(30).labels));
    expect(() => loadIdxSplit(dir.path, 'train')).toThrow(/shape \[30\], expected \[\*,\*,\*\]/);
  });

  it('says which files it looked for when one is missing', () => {
    writeIdxFolder(dir.path);
    rmSync(join(dir.path, 't10k-images-idx3-ubyte.gz'));
    expect(() => loadIdxFolder(dir.path)).toThrow(DataNotFoundError);
    expect(() => loadIdxFolder(dir.path)).toThrow(
      /no t10k images file in .* \(looked for t10k-images-idx3-ubyte\[\.gz\], t10k-images\.idx3-ubyte\[\.gz\]\)/,
    );
  });

  it('caches parsed data, and reloads when a file changes', () => {
    writeIdxFolder(dir.path);
    const first = loadIdxSplit(dir.path, 'train');
    expect(loadIdxSplit(dir.path, 'train')).toBe(first);
    const labelsPath = join(dir.path, 'train-labels-idx1-ubyte.gz');
    writeFileSync(labelsPath, gzipSync(tinyIdx(30).labels));
    utimesSync(labelsPath, new Date(), new Date(Date.now() + 5000));
    expect(loadIdxSplit(dir.path, 'train')).not.toBe(first);
  });

  it('appends advice to the not-found message', () => {
    expect(() => loadFashionMnist({ dir: dir.path })).toThrow(/no train images file in/);
    expect(() => loadIdxFolder(dir.path, { hint: '; try apt-get install x' })).toThrow(
      /\); try apt-get install x$/,
    );
  });

  it('labels Fashion-MNIST folders with the clothing classes', () => {
    writeIdxFolder(dir.path);
    expect(loadFashionMnist({ dir: dir.path }).train.classNames).toBe(FASHION_MNIST_CLASS_NAMES);
  });
});
