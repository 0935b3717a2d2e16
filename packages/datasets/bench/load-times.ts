// Measures load times: the embedded MNIST and (when installed) Fashion-MNIST's training set,
// first load and repeated loads, in one fresh process. Run: pnpm bench (in this folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_FASHION_MNIST_DIR, loadEmbeddedMnist, loadIdxSplit } from '@mlblocks/datasets/node';

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

function report(label: string, load: () => { length: number }): void {
  const [first, firstMs] = time(load);
  const repeats = Array.from({ length: 5 }, () => time(load)[1]);
  const repeatMs = Math.max(...repeats);
  console.log(
    `${label.padEnd(28)} ${String(first.length).padStart(6)} images   first ${firstMs.toFixed(1).padStart(7)} ms   repeat ≤ ${repeatMs.toFixed(3)} ms`,
  );
}

report('embedded MNIST (train+test)', () => {
  const { train, test } = loadEmbeddedMnist();
  return { length: train.length + test.length };
});
if (existsSync(join(DEBIAN_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'))) {
  report('Fashion-MNIST train', () => loadIdxSplit(DEBIAN_FASHION_MNIST_DIR, 'train'));
} else {
  console.log(
    `Fashion-MNIST: not installed in ${DEBIAN_FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)`,
  );
}
