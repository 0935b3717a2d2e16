// Fashion-MNIST from a local folder of IDX files (Debian: apt-get install dataset-fashion-mnist).
// Run: pnpm exec tsx --conditions=@mlblocks/source examples/fashion-mnist.ts [folder]
import { dispose } from '@mlblocks/core-tensor';
import {
  compose,
  DataLoader,
  flatten,
  loadFashionMnist,
  oneHotLabels,
  toFloat,
} from '@mlblocks/datasets/node';

const dir = process.argv[2]; // default: /usr/share/datasets/fashion-mnist
const { train, test } = loadFashionMnist(dir ? { dir } : {});
console.log(`${train.length} train / ${test.length} test images of ${train.height}×${train.width}`);
for (let i = 0; i < 5; i++) console.log(`train[${i}]: ${train.classNames[train.label(i)]}`);

const loader = new DataLoader(test, {
  batchSize: 1000,
  transforms: { images: compose(toFloat(), flatten()), labels: oneHotLabels(10) },
});
const [first] = loader; // one batch (sync iteration)
console.log(`test batch: images [${first!.images.shape}], one-hot labels [${first!.labels.shape}]`);
dispose(first);
