// Download MNIST (or Fashion-MNIST) once into the cache (~/.cache/mlblocks by default), verified by
// SHA-256, then load it from there. Needs network access to one of the mirrors.
// Run: pnpm exec tsx --conditions=@mlblocks/source examples/download-mnist.ts [mnist|fashion-mnist] [mirror-base-url]
import { defaultCacheDir, downloadMnist } from '@mlblocks/datasets/node';

const variant = process.argv[2] === 'fashion-mnist' ? 'fashion-mnist' : 'mnist';
const mirror = process.argv[3];
console.log(`cache: ${defaultCacheDir()}`);
const { train, test } = await downloadMnist({
  variant,
  ...(mirror ? { mirrors: [mirror] } : {}),
  progress: true,
});
console.log(
  `${variant}: ${train.length} train / ${test.length} test images; first label ${train.classNames[train.label(0)]}`,
);
