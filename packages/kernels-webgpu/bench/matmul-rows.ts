// The register-blocked matmul's rows per invocation (engine.matmulRows) on this adapter: the four
// products of an LSTM LM's decoder (h 700×256, W 10,000×256, dlogits 700×10,000) for each
// setting, in ms and GFLOP/s — how MATMUL_ROWS in src/engine/tuning.ts was chosen.
//   tsx --conditions=@mlblocks/source bench/matmul-rows.ts [rows,rows,…]
import { Generator, type NDArray, randn, registerBackend } from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const gpu = await createNodeWebGPUBackend();
registerBackend('webgpu', gpu);
console.log(`adapter: ${gpu.adapterDescription} (default rows ${gpu.engine.matmulRows})`);
const g = new Generator(0);
const r = (...s: number[]) => randn(s, { generator: g }).to('webgpu');
const [h, w, dl] = [r(700, 256), r(10000, 256), r(700, 10000)];
const products: [string, () => NDArray][] = [
  ['h·Wᵀ [700,256]×[256,10000]', () => h.matmul(w.transpose())],
  ['dl·W [700,10000]×[10000,256]', () => dl.matmul(w)],
  ['hᵀ·dl [256,700]×[700,10000]', () => h.transpose().matmul(dl)],
  ['dlᵀ·h [10000,700]×[700,256]', () => dl.transpose().matmul(h)],
];
for (const rows of (process.argv[2] ?? '1,2,4,8,12,16,32').split(',').map(Number)) {
  gpu.engine.matmulRows = rows;
  const cells: string[] = [];
  for (const [name, product] of products) {
    const warm = product(); // compile and warm
    await warm.data();
    warm.dispose();
    const t0 = performance.now();
    const y = product();
    await y.data();
    const ms = performance.now() - t0;
    y.dispose();
    cells.push(`${name} ${ms.toFixed(0)} ms (${((2 * 700 * 256 * 10000) / ms / 1e6).toFixed(1)} GFLOP/s)`);
  }
  console.log(`rows ${rows}: ${cells.join(' · ')}`);
}
process.exit(0);
