import type { Generator } from '@mlblocks/core-tensor';
import { ImageDataset } from '@mlblocks/datasets';

/**
 * Data augmentation by random translation (and, optionally, mirroring): every image moved by a
 * whole number of pixels, up to `maxShift` in x and in y (drawn from `generator`), with the
 * uncovered border left black, and with `flip` mirrored left-right with probability ½ (a shoe
 * facing the other way is still a shoe; a mirrored 3 is not a 3, so digits keep `flip` off).
 * The network sees a "new" training set every epoch — the cheapest cure for overfitting.
 */
export function randomShift(
  dataset: ImageDataset,
  maxShift: number,
  generator: Generator,
  options: { flip?: boolean } = {},
): ImageDataset {
  const { width, height } = dataset;
  const size = width * height;
  const out = new Uint8Array(dataset.images.length);
  const row = new Uint8Array(width);
  for (let i = 0; i < dataset.length; i++) {
    const dx = generator.nextInt(-maxShift, maxShift + 1);
    const dy = generator.nextInt(-maxShift, maxShift + 1);
    const mirror = options.flip === true && generator.nextInt(0, 2) === 1;
    const src = dataset.images.subarray(i * size, (i + 1) * size);
    const dst = out.subarray(i * size, (i + 1) * size);
    for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
      const from = (y - dy) * width;
      const x0 = Math.max(0, dx);
      const x1 = Math.min(width, width + dx);
      dst.set(src.subarray(from + x0 - dx, from + x1 - dx), y * width + x0);
      if (mirror) {
        row.set(dst.subarray(y * width, (y + 1) * width));
        for (let x = 0; x < width; x++) dst[y * width + x] = row[width - 1 - x]!;
      }
    }
  }
  return new ImageDataset({
    name: `${dataset.name} (shifted ±${maxShift}px${options.flip ? ', mirrored' : ''})`,
    images: out,
    labels: dataset.labels,
    height,
    width,
    classNames: dataset.classNames,
  });
}
