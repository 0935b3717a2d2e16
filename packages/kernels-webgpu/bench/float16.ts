// float16 against float32 on this adapter: n×n matmul GFLOP/s (f16 storage, f32 accumulation)
// and the bytes each holds, best of 5 — what the opt-in dtype buys where the device has shader-f16.
//   tsx --conditions=@mlblocks/source bench/float16.ts [sizes]
import { Generator, randn, registerBackend } from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const gpu = await createNodeWebGPUBackend();
registerBackend('webgpu', gpu);
console.log(`adapter: ${gpu.adapterDescription} (shader-f16: ${gpu.device.features.has('shader-f16')})`);
if (!gpu.device.features.has('shader-f16')) process.exit(0);
const g = new Generator(0);
for (const n of (process.argv[2] ?? '512,1024,2048').split(',').map(Number)) {
  const cells: string[] = [];
  for (const dtype of ['float32', 'float16'] as const) {
    const before = gpu.memory().bytes;
    const [a, b] = [randn([n, n], { generator: g }), randn([n, n], { generator: g })].map((x) =>
      x.cast(dtype).to('webgpu'),
    );
    const bytes = gpu.memory().bytes - before;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const c = a!.matmul(b!);
      await c.data();
      if (i > 0) best = Math.min(best, performance.now() - t0);
      c.dispose();
    }
    cells.push(
      `${dtype} ${((2 * n ** 3) / best / 1e6).toFixed(1)} GFLOP/s, operands ${(bytes / 2 ** 20).toFixed(1)} MiB`,
    );
    a!.dispose();
    b!.dispose();
  }
  console.log(`matmul ${n}²: ${cells.join(' · ')}`);
}
process.exit(0);
