// Row sums with subgroup operations (engine.subgroups) against the shared-memory trees, on this
// adapter: sum over rows, softmax and cross-entropy rows, best of 15 each, in ms.
//   tsx --conditions=@mlblocks/source bench/row-sums.ts
import {
  Generator,
  type NDArray,
  randint,
  randn,
  registerBackend,
  softmaxCrossEntropyRows,
} from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const gpu = await createNodeWebGPUBackend();
registerBackend('webgpu', gpu);
console.log(`adapter: ${gpu.adapterDescription} (subgroups: ${gpu.device.features.has('subgroups')})`);
const g = new Generator(0);
const [wide, tall, mid, logits, small] = [
  [512, 4096],
  [16384, 64],
  [4096, 512],
  [700, 10000],
  [4096, 10],
].map((s) => randn(s, { generator: g }).to('webgpu'));
const labels = randint(0, 10000, [700], { generator: g }).to('webgpu');
const smallLabels = randint(0, 10, [4096], { generator: g }).to('webgpu');
const work: [string, () => NDArray][] = [
  ['sum rows of [512, 4096]', () => wide!.sum(1)],
  ['sum rows of [16384, 64]', () => tall!.sum(1)],
  ['sum rows of [4096, 512]', () => mid!.sum(1)],
  ['softmax of [700, 10000]', () => logits!.softmax(-1)],
  ['softmax of [4096, 512]', () => mid!.softmax(-1)],
  ['cross-entropy of [4096, 10]', () => softmaxCrossEntropyRows(small!, smallLabels).loss],
  ['cross-entropy of [700, 10000]', () => softmaxCrossEntropyRows(logits!, labels).loss],
];
for (const subgroups of [true, false, true, false]) {
  if (subgroups && !gpu.device.features.has('subgroups')) continue;
  gpu.engine.subgroups = subgroups;
  const cells: string[] = [];
  for (const [name, f] of work) {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 16; i++) {
      const t0 = performance.now();
      const y = f();
      await y.data();
      if (i > 0) best = Math.min(best, performance.now() - t0);
      y.dispose();
    }
    cells.push(`${name} ${best.toFixed(2)} ms`);
  }
  console.log(`${subgroups ? 'subgroups' : 'trees    '}: ${cells.join(' · ')}`);
}
process.exit(0);
