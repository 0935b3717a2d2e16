import { gzipSync } from 'node:zlib';
import {
  DataFormatError,
  decodeIdx,
  encodeIdx,
  type IdxArray,
  imageDatasetFromIdx,
  MNIST_CLASS_NAMES,
  parseIdx,
} from '@mlblocks/datasets';
import { describe, expect, it } from 'vitest';
import { tinyIdx } from './helpers/fixtures.js';

// Builds IDX bytes by hand: magic (0, 0, code, rank), big-endian dims, then `payload`.
function idxBytes(code: number, dims: number[], payload: number[] | Uint8Array): Uint8Array {
  const header = [0, 0, code, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...payload]);
}

function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DataFormatError);
    return error as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

describe('parseIdx: valid files', () => {
  it('decodes uint8 images as a view with the header sizes (big-endian)', () => {
    const bytes = idxBytes(0x08, [2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const idx = parseIdx(bytes);
    expect(idx.dtype).toBe('uint8');
    expect(idx.shape).toEqual([2, 2, 3]);
    expect([...idx.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect((idx.data as Uint8Array).buffer).toBe(bytes.buffer); // no copy
  });

  it('reads dims above 2^24 correctly (unsigned 32-bit)', () => {
    const bytes = idxBytes(0x08, [0x01000000, 0], []);
    expect(parseIdx(bytes).shape).toEqual([16777216, 0]);
  });

  it.each([
    ['int8', [-128, -1, 0, 127]],
    ['int16', [-32768, -2, 3, 32767]],
    ['int32', [-2147483648, -5, 6, 2147483647]],
    ['float32', [-1.5, 0.25, 3.5, 1e30]],
    ['float64', [-1e-300, Math.PI, 0, 1e300]],
    ['uint8', [0, 1, 128, 255]],
  ] as const)('round-trips %s through encodeIdx (big-endian on disk)', (dtype, values) => {
    const Ctor = {
      int8: Int8Array,
      int16: Int16Array,
      int32: Int32Array,
      float32: Float32Array,
      float64: Float64Array,
      uint8: Uint8Array,
    }[dtype];
    const array = { dtype, shape: [2, 2], data: Ctor.from(values) } as IdxArray;
    const bytes = encodeIdx(array);
    const back = parseIdx(bytes, { dtype, shape: [2, 2] });
    expect(back.dtype).toBe(dtype);
    expect([...back.data]).toEqual([...array.data]);
    if (dtype === 'int16') expect([...bytes.subarray(12, 14)]).toEqual([0x80, 0x00]); // -32768 big-endian
  });

  it('accepts -1 as a wildcard in the expected shape', () => {
    const { images } = tinyIdx(5);
    expect(parseIdx(images, { dtype: 'uint8', shape: [-1, 4, 4] }).shape).toEqual([5, 4, 4]);
  });
});

describe('parseIdx: every format error is typed and says what was expected', () => {
  it('rejects fewer than 4 bytes', () => {
    expect(formatError(() => parseIdx(new Uint8Array([0, 0, 8]))).message).toMatch(
      /expected at least a 4-byte magic number, got 3 bytes/,
    );
    expect(() => parseIdx(new Uint8Array(0))).toThrow(DataFormatError);
  });

  it('rejects a magic number that does not start with two zero bytes', () => {
    const bytes = idxBytes(0x08, [1], [7]);
    bytes[0] = 0x50; // e.g. a PNG or text file
    expect(formatError(() => parseIdx(bytes)).message).toMatch(
      /bad magic number 0x50000801.*expected 0x0000/,
    );
  });

  it('rejects an unknown dtype code', () => {
    expect(formatError(() => parseIdx(idxBytes(0x0a, [1], [7]))).message).toMatch(
      /unknown dtype code 0x0a; expected one of 08 09 0b 0c 0d 0e/,
    );
  });

  it('rejects rank 0', () => {
    expect(formatError(() => parseIdx(Uint8Array.from([0, 0, 8, 0]))).message).toMatch(/rank 0/);
  });

  it('rejects a truncated header', () => {
    const bytes = idxBytes(0x08, [2, 3, 4], []).subarray(0, 10);
    expect(formatError(() => parseIdx(bytes)).message).toMatch(
      /truncated header: rank 3 needs 16 header bytes, got 10/,
    );
  });

  it('rejects truncated data, naming the expected and actual byte counts', () => {
    const { images } = tinyIdx(3); // 16 header + 48 pixels
    const error = formatError(() =>
      parseIdx(images.subarray(0, images.length - 1), { name: 'train-images' }),
    );
    expect(error.message).toBe(
      'parseIdx: train-images: truncated: shape [3,4,4] of uint8 needs 48 data bytes (64 in all), got 47 (63 in all)',
    );
    expect(error.op).toBe('parseIdx');
  });

  it('rejects truncated multi-byte data (length not a multiple of the element size)', () => {
    const bytes = encodeIdx({ dtype: 'float32', shape: [3], data: new Float32Array(3) });
    expect(formatError(() => parseIdx(bytes.subarray(0, bytes.length - 2))).message).toMatch(
      /truncated: shape \[3\] of float32 needs 12 data bytes/,
    );
  });

  it('rejects trailing bytes', () => {
    const { labels } = tinyIdx(3);
    const longer = Uint8Array.from([...labels, 0]);
    expect(formatError(() => parseIdx(longer)).message).toMatch(
      /trailing bytes: shape \[3\] of uint8 needs 3 data bytes/,
    );
  });

  it('rejects a dtype or shape other than the expected one', () => {
    const { images, labels } = tinyIdx(3);
    expect(formatError(() => parseIdx(labels, { dtype: 'int32' })).message).toMatch(
      /dtype uint8, expected int32/,
    );
    expect(formatError(() => parseIdx(labels, { shape: [-1, 28, 28] })).message).toMatch(
      /shape \[3\], expected \[\*,28,28\]/,
    );
    expect(formatError(() => parseIdx(images, { shape: [-1, 28, 28] })).message).toMatch(
      /shape \[3,4,4\], expected \[\*,28,28\]/,
    );
  });

  it('rejects gzip bytes with advice to decompress them', () => {
    const { labels } = tinyIdx(3);
    expect(formatError(() => parseIdx(gzipSync(labels))).message).toMatch(
      /gzip-compressed; decompress them first/,
    );
  });
});

describe('decodeIdx (DecompressionStream: the browser path)', () => {
  it('decodes gzip and raw bytes alike', async () => {
    const { images } = tinyIdx(4);
    const fromGzip = await decodeIdx(gzipSync(images), { shape: [-1, 4, 4] });
    const fromRaw = await decodeIdx(images);
    expect([...fromGzip.data]).toEqual([...fromRaw.data]);
    expect(fromGzip.shape).toEqual([4, 4, 4]);
  });

  it('rejects a truncated gzip stream with a DataFormatError', async () => {
    const { images } = tinyIdx(40);
    const gz = gzipSync(images);
    await expect(decodeIdx(gz.subarray(0, gz.length - 12), { name: 'x.gz' })).rejects.toThrow(
      /x\.gz: truncated or corrupt gzip stream/,
    );
    await expect(decodeIdx(gz.subarray(0, gz.length - 12))).rejects.toBeInstanceOf(DataFormatError);
  });

  it('rejects a gzip stream that decompresses to a truncated IDX file', async () => {
    const { images } = tinyIdx(4);
    await expect(decodeIdx(gzipSync(images.subarray(0, 40)))).rejects.toThrow(/truncated: shape \[4,4,4\]/);
  });
});

describe('imageDatasetFromIdx', () => {
  const images = (n: number) => parseIdx(tinyIdx(n).images);
  const labels = (n: number) => parseIdx(tinyIdx(n).labels);

  it('pairs images with labels', () => {
    const ds = imageDatasetFromIdx('tiny', images(12), labels(12), MNIST_CLASS_NAMES);
    expect(ds.length).toBe(12);
    expect([ds.height, ds.width]).toEqual([4, 4]);
    expect(ds.label(11)).toBe(1);
    expect([...ds.image(3)]).toEqual(new Array(16).fill(3));
    expect(ds.fields.images.shape).toEqual([4, 4]);
  });

  it('rejects image and label files of different lengths', () => {
    expect(
      formatError(() => imageDatasetFromIdx('tiny', images(12), labels(11), MNIST_CLASS_NAMES)).message,
    ).toBe(
      'imageDatasetFromIdx: tiny: the images file holds 12 images but the labels file holds 11 labels; expected equal counts',
    );
  });

  it('rejects swapped files and wrong dtypes', () => {
    expect(() => imageDatasetFromIdx('tiny', labels(3), images(3), MNIST_CLASS_NAMES)).toThrow(
      /images must be uint8 of shape \[n, height, width\], got uint8 \[3\]/,
    );
    const floatLabels = parseIdx(encodeIdx({ dtype: 'float32', shape: [3], data: new Float32Array(3) }));
    expect(() => imageDatasetFromIdx('tiny', images(3), floatLabels, MNIST_CLASS_NAMES)).toThrow(
      /labels must be uint8 of shape \[n\], got float32 \[3\]/,
    );
  });

  it('rejects labels that name no class', () => {
    const bad = parseIdx(encodeIdx({ dtype: 'uint8', shape: [2], data: Uint8Array.from([1, 10]) }));
    expect(formatError(() => imageDatasetFromIdx('tiny', images(2), bad, MNIST_CLASS_NAMES)).message).toMatch(
      /label 10 at index 1 is not a class index in \[0, 9\]/,
    );
  });
});
