// kernels-webgpu bench: matmul GFLOP/s (256–2048), one MLP training step (784-256-10, batch 128)
// and one CNN training step (batch 64, 3×3 convs 1→32→64 on 28×28) on this backend, our CPU
// backend and TensorFlow.js's webgpu / wasm / cpu backends — one run, as ratios against ours.
// Run: pnpm bench (in packages/kernels-webgpu). BENCH_SIZES, BENCH_NO_TFJS=1, BENCH_NO_CNN=1 trim
// it; BENCH_MATMUL_KERNEL=tiled|registers picks our matmul kernel. No thresholds: a measurement.
import { cpus } from 'node:os';
import {
  columnsOf,
  loadTfjs,
  mlblocksRunner,
  type Plan,
  type Runner,
  ratioTable,
  runAll,
  tfjsRunner,
} from '@mlblocks/bench-kit';
import { registerBackend } from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp'; // Dawn needs it
const plan: Plan = {
  sizes: (process.env.BENCH_SIZES ?? '256,512,1024,2048').split(',').map(Number),
  mlp: true,
  cnn: !process.env.BENCH_NO_CNN,
};

async function main() {
  console.log(
    `kernels-webgpu bench · Node ${process.version} · ${cpus()[0]?.model} (${cpus().length} cores)`,
  );
  let gpu: GPU | null = null;
  const runners: Runner[] = [];
  try {
    const backend = await createNodeWebGPUBackend();
    registerBackend('webgpu', backend);
    gpu = backend.gpu;
    const kernel = process.env.BENCH_MATMUL_KERNEL; // compare the two matmul kernels on one adapter
    if (kernel === 'tiled' || kernel === 'registers') backend.engine.matmulKernel = kernel;
    console.log(`adapter: ${backend.adapterDescription} · matmul kernel: ${backend.engine.matmulKernel}`);
    runners.push(mlblocksRunner('webgpu', 'mlblocks webgpu'));
  } catch (error) {
    console.log(`adapter: none (${(error as Error).message})`);
  }
  runners.push(mlblocksRunner('cpu', 'mlblocks cpu'));
  for (const name of ['webgpu', 'wasm', 'cpu'] as const) {
    if (process.env.BENCH_NO_TFJS) break;
    const tf = await loadTfjs(name, gpu);
    if (typeof tf === 'string') console.log(`tfjs ${name}: not run (${tf})`);
    else runners.push(tfjsRunner(tf, name));
  }
  const results = await runAll(runners, plan);
  console.log(ratioTable(results, columnsOf(plan), runners[0]!.name));
  console.log(
    `(n×) = ${runners[0]!.name}'s throughput ÷ that row's. MLP = forward + backward + SGD step of 784-256-10` +
      ' at batch 128; CNN = the same for conv3×3(1→32) ReLU conv3×3(32→64) ReLU maxpool2 linear(9216→10) at batch 64.',
  );
  process.exit(0);
}

await main();
