// The register-blocked matmul's block per invocation (engine.matmulRows × engine.matmulCols) on
// this adapter, on the MLP step's products (784-256-10, batch 128) and a square 1024: best of 15.
//   tsx --conditions=@mlblocks/source bench/matmul-blocks.ts [rows×cols,…]
import { Generator, type NDArray, randn, registerBackend } from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const gpu = await createNodeWebGPUBackend();
registerBackend('webgpu', gpu);
console.log(`adapter: ${gpu.adapterDescription}`);
const g = new Generator(0);
const r = (...s: number[]) => randn(s, { generator: g }).to('webgpu');
const [x, w1, dz, sq1, sq2] = [r(128, 784), r(256, 784), r(128, 256), r(1024, 1024), r(1024, 1024)];
const products: [string, () => NDArray, number][] = [
  ['x·W1ᵀ', () => x.matmul(w1.transpose()), 128 * 784 * 256],
  ['dzᵀ·x', () => dz.transpose().matmul(x), 128 * 784 * 256],
  ['dz·W1', () => dz.matmul(w1), 128 * 784 * 256],
  ['1024²', () => sq1.matmul(sq2), 1024 ** 3],
];
for (const setting of (process.argv[2] ?? '16x4,8x8,16x8').split(',')) {
  const [block, shuffle] = setting.split(':');
  const [rows, cols] = block!.split('x').map(Number);
  gpu.engine.matmulRows = rows!;
  gpu.engine.matmulCols = cols!;
  gpu.engine.matmulShuffle = Number(shuffle ?? 0);
  const cells: string[] = [];
  for (const [name, product, macs] of products) {
    const warm = product();
    await warm.data();
    warm.dispose();
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      const y = product();
      await y.data();
      best = Math.min(best, performance.now() - t0);
      y.dispose();
    }
    cells.push(`${name} ${best.toFixed(2)} ms (${((2 * macs) / best / 1e6).toFixed(1)} GFLOP/s)`);
  }
  console.log(`${setting}: ${cells.join(' · ')}`);
}
process.exit(0);
