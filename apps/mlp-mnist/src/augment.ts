import type { Generator } from '@mlblocks/core-tensor';
import { ImageDataset } from '@mlblocks/datasets';

/**
 * Data augmentation by random translation: every image moved by a whole number of pixels, up to
 * `maxShift` in x and in y (drawn from `generator`), with the uncovered border left black. A
 * digit moved by two pixels is still the same digit, so the network sees a "new" training set
 * every epoch — the cheapest cure for the overfitting of a large MLP on 8,000 images.
 */
export function randomShift(dataset: ImageDataset, maxShift: number, generator: Generator): ImageDataset {
  const { width, height } = dataset;
  const size = width * height;
  const out = new Uint8Array(dataset.images.length);
  for (let i = 0; i < dataset.length; i++) {
    const dx = generator.nextInt(-maxShift, maxShift + 1);
    const dy = generator.nextInt(-maxShift, maxShift + 1);
    const src = dataset.images.subarray(i * size, (i + 1) * size);
    const dst = out.subarray(i * size, (i + 1) * size);
    for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
      const from = (y - dy) * width;
      const x0 = Math.max(0, dx);
      const x1 = Math.min(width, width + dx);
      dst.set(src.subarray(from + x0 - dx, from + x1 - dx), y * width + x0);
    }
  }
  return new ImageDataset({
    name: `${dataset.name} (shifted ±${maxShift}px)`,
    images: out,
    labels: dataset.labels,
    height,
    width,
    classNames: dataset.classNames,
  });
}
