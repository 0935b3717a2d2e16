import {
  BackendError,
  CpuBackend,
  dispose,
  Generator,
  memory,
  type NDArray,
  registerBackend,
  removeBackend,
  ShapeError,
  ValueError,
} from '@mlblocks/core-tensor';
import {
  arrayDataset,
  compose,
  DataLoader,
  flatten,
  ImageDataset,
  MNIST_CLASS_NAMES,
  normalize,
  oneHotLabels,
  pixelMeanStd,
  toFloat,
} from '@mlblocks/datasets';
import { describe, expect, it } from 'vitest';
import { tinyImages } from './helpers/fixtures.js';

function tiny(count: number): ImageDataset {
  const { images, labels } = tinyImages(count);
  return new ImageDataset({
    name: 'tiny',
    images,
    labels,
    height: 4,
    width: 4,
    classNames: MNIST_CLASS_NAMES,
  });
}

// Sample i has pixels all equal to i (mod 256): the batch tells which samples it holds.
function idsOf(images: NDArray): number[] {
  const values = images.dataSync();
  const per = values.length / images.shape[0]!;
  return Array.from({ length: images.shape[0]! }, (_, b) => values[b * per]!);
}

async function epoch(loader: DataLoader<'images' | 'labels'>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const batch of loader) {
    out.push(idsOf(batch.images));
    dispose(batch);
  }
  return out;
}

describe('DataLoader: batching', () => {
  it('yields [batch, ...sampleShape] arrays in dataset order, the last batch smaller', async () => {
    const loader = new DataLoader(tiny(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const shapes: number[][] = [];
    for await (const { images, labels } of loader) {
      shapes.push([...images.shape], [...labels.shape]);
      expect(images.dtype).toBe('uint8');
      expect(labels.dtype).toBe('uint8');
      dispose([images, labels]);
    }
    expect(shapes).toEqual([[4, 4, 4], [4], [4, 4, 4], [4], [2, 4, 4], [2]]);
    expect(await epoch(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('dropLast drops the short batch', async () => {
    const loader = new DataLoader(tiny(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect((await epoch(loader)).map((b) => b.length)).toEqual([4, 4]);
  });

  it('labels match their images', () => {
    for (const { images, labels } of new DataLoader(tiny(23), { batchSize: 5, shuffle: true, seed: 3 })) {
      const ids = idsOf(images);
      expect([...labels.dataSync()]).toEqual(ids.map((i) => i % 10));
      dispose([images, labels]);
    }
  });

  it('iterates synchronously the same way as asynchronously', async () => {
    const a = new DataLoader(tiny(17), { batchSize: 4, shuffle: true, seed: 9 });
    const b = new DataLoader(tiny(17), { batchSize: 4, shuffle: true, seed: 9 });
    const sync = [...b].map((batch) => {
      const ids = idsOf(batch.images);
      dispose(batch);
      return ids;
    });
    expect(await epoch(a)).toEqual(sync);
  });
});

describe('DataLoader: seeded shuffling', () => {
  it('visits every sample once per epoch, in a new order each epoch', async () => {
    const loader = new DataLoader(tiny(50), { batchSize: 8, shuffle: true, seed: 1 });
    const e1 = (await epoch(loader)).flat();
    const e2 = (await epoch(loader)).flat();
    const all = Array.from({ length: 50 }, (_, i) => i);
    expect([...e1].sort((x, y) => x - y)).toEqual(all);
    expect([...e2].sort((x, y) => x - y)).toEqual(all);
    expect(e1).not.toEqual(e2);
    expect(e1).not.toEqual(all);
    expect(loader.epochs).toBe(2);
  });

  it('is reproducible: the same seed gives the same epochs, another seed does not', async () => {
    const make = (seed: number) => new DataLoader(tiny(50), { batchSize: 8, shuffle: true, seed });
    const [a, b, c] = [make(7), make(7), make(8)];
    expect(await epoch(a)).toEqual(await epoch(b));
    expect(await epoch(a)).toEqual(await epoch(b)); // epoch 2 as well
    expect(await epoch(make(7))).not.toEqual(await epoch(c));
  });

  it('accepts a Generator (its stream continues across loaders)', async () => {
    const gen = new Generator(5);
    const loader = new DataLoader(tiny(20), { batchSize: 20, shuffle: true, generator: gen });
    const first = (await epoch(loader))[0];
    const again = new DataLoader(tiny(20), { batchSize: 20, shuffle: true, generator: new Generator(5) });
    expect((await epoch(again))[0]).toEqual(first);
  });
});

describe('DataLoader: transforms and backends', () => {
  it('normalizes and flattens images, one-hot encodes labels', () => {
    const ds = tiny(6);
    const stats = pixelMeanStd(ds);
    const loader = new DataLoader(ds, {
      batchSize: 3,
      transforms: { images: compose(normalize(stats), flatten()), labels: oneHotLabels(10) },
    });
    const { images, labels } = loader.batch([0, 1, 5]);
    expect(images.shape).toEqual([3, 16]);
    expect(images.dtype).toBe('float32');
    const v = images.dataSync();
    expect(v[16]).toBeCloseTo((1 / 255 - stats.mean) / stats.std, 5);
    expect(labels.shape).toEqual([3, 10]);
    expect(labels.toArraySync()).toEqual([
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
    ]);
    dispose([images, labels]);
  });

  it('frees the intermediates of transforms (only the batch stays alive)', () => {
    const loader = new DataLoader(tiny(8), {
      batchSize: 4,
      transforms: { images: compose(toFloat(), flatten()) },
    });
    const before = memory().ndarrays;
    const batch = loader.batch([0, 1, 2, 3]);
    expect(memory().ndarrays).toBe(before + 2);
    dispose(batch);
    expect(memory().ndarrays).toBe(before);
  });

  it('creates batches on the chosen backend', () => {
    registerBackend('cpu-datasets-test', new CpuBackend('cpu-datasets-test'));
    try {
      const loader = new DataLoader(tiny(4), { batchSize: 2, backend: 'cpu-datasets-test' });
      for (const { images, labels } of loader) {
        expect(images.backend.name).toBe('cpu-datasets-test');
        expect(labels.backend.name).toBe('cpu-datasets-test');
        dispose([images, labels]);
      }
    } finally {
      removeBackend('cpu-datasets-test');
    }
  });

  it('validates its options up front', () => {
    expect(() => new DataLoader(tiny(4), { batchSize: 0 })).toThrow(ValueError);
    expect(() => new DataLoader(tiny(4), { batchSize: 2.5 })).toThrow(/batchSize must be a positive integer/);
    expect(() => new DataLoader(tiny(4), { batchSize: 2, backend: 'no-such-backend' })).toThrow(BackendError);
    expect(
      () => new DataLoader(tiny(4), { batchSize: 2, transforms: { pixels: toFloat() } as never }),
    ).toThrow(/transform for unknown field 'pixels'; the dataset has images, labels/);
  });
});

describe('arrayDataset', () => {
  it('loads any typed-array fields', () => {
    const ds = arrayDataset('pairs', {
      center: { data: Int32Array.from([1, 2, 3]), shape: [] },
      context: { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2] },
    });
    expect(ds.length).toBe(3);
    const { center, context } = new DataLoader(ds, { batchSize: 2 }).batch([2, 0]);
    expect(center.toArraySync()).toEqual([3, 1]);
    expect(context.toArraySync()).toEqual([
      [5, 6],
      [1, 2],
    ]);
    dispose([center, context]);
  });

  it('rejects fields with different sample counts or ragged data', () => {
    expect(() =>
      arrayDataset('bad', {
        a: { data: new Int32Array(3), shape: [] },
        b: { data: new Int32Array(4), shape: [] },
      }),
    ).toThrow(/field 'b' has 4 samples but 'a' has 3/);
    expect(() => arrayDataset('bad', { a: { data: new Int32Array(5), shape: [2] } })).toThrow(ShapeError);
    expect(() => arrayDataset('bad', {})).toThrow(/at least one field/);
  });

  it('subset copies rows and checks indices', () => {
    const ds = tiny(5);
    const sub = ds.subset([4, 0]);
    expect(sub.length).toBe(2);
    expect(sub.label(0)).toBe(4);
    expect(() => ds.subset([5])).toThrow(/index 5 is out of range for a dataset of 5 samples/);
    expect(() => ds.image(-1)).toThrow(ValueError);
  });
});
