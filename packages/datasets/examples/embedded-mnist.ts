// The embedded MNIST digits: no download, no network. Run: pnpm example (in this folder).
import { dispose } from '@mlblocks/core-tensor';
import {
  compose,
  DataLoader,
  flatten,
  loadEmbeddedMnist,
  normalize,
  pixelMeanStd,
} from '@mlblocks/datasets/node';

const { train, test } = loadEmbeddedMnist();
console.log(`${train.name}: ${train.length} images, ${test.name}: ${test.length} images`);
console.log('train images per digit:', train.classCounts().join(' '));

const stats = pixelMeanStd(train); // every number from the data, none hard-coded
console.log(`pixel mean ${stats.mean.toFixed(4)}, std ${stats.std.toFixed(4)}`);

const loader = new DataLoader(train, {
  batchSize: 64,
  shuffle: true,
  seed: 42,
  transforms: { images: compose(normalize(stats), flatten()) },
});
let batches = 0;
for await (const { images, labels } of loader) {
  if (batches === 0)
    console.log(
      `first batch: images ${images.dtype} [${images.shape}], labels ${labels.dtype} [${labels.shape}]`,
    );
  batches++;
  dispose([images, labels]);
}
console.log(`${batches} batches per epoch`);
