import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '@mlblocks/datasets';

/** A fresh temporary folder; `cleanup()` removes it. */
export function tempDir(prefix = 'mlblocks-datasets-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** `count` small images (`side × side`) whose pixels encode their index, and labels `i mod 10`. */
export function tinyImages(count: number, side = 4): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * side * side);
  for (let i = 0; i < count; i++) images.fill(i % 256, i * side * side, (i + 1) * side * side);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels };
}

/** IDX bytes of images `[count, side, side]` and labels `[count]`. */
export function tinyIdx(count: number, side = 4) {
  const { images, labels } = tinyImages(count, side);
  return {
    images: encodeIdx({ dtype: 'uint8', shape: [count, side, side], data: images }),
    labels: encodeIdx({ dtype: 'uint8', shape: [count], data: labels }),
  };
}

/** Writes an MNIST-style folder (train: `trainCount`, t10k: `testCount`), gzipped or raw. */
export function writeIdxFolder(
  dir: string,
  options: { trainCount?: number; testCount?: number; gzip?: boolean } = {},
) {
  const { trainCount = 30, testCount = 10, gzip = true } = options;
  mkdirSync(dir, { recursive: true });
  for (const [split, count] of [
    ['train', trainCount],
    ['t10k', testCount],
  ] as const) {
    const idx = tinyIdx(count);
    const write = (name: string, bytes: Uint8Array) =>
      gzip ? writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes)) : writeFileSync(join(dir, name), bytes);
    write(`${split}-images-idx3-ubyte`, idx.images);
    write(`${split}-labels-idx1-ubyte`, idx.labels);
  }
}
