// kernels-wasm bench: matmul GFLOP/s (256–1024), one MLP training step (784-256-10, batch 128) and
// one CNN training step (batch 64, 3×3 convs 1→32→64 on 28×28) on this backend (1 and 2 threads;
// with and without relaxed SIMD), our CPU and WebGPU backends, and TensorFlow.js's wasm / cpu /
// webgpu backends, and PyTorch on one thread where Debian's python3-torch is installed — one run, as
// ratios and % of the machine's fp32 peak. No thresholds: a measurement.
// Run: pnpm bench (in packages/kernels-wasm). BENCH_SIZES=512,1024 BENCH_NO_TFJS=1 BENCH_NO_WEBGPU=1
// BENCH_NO_CNN=1 BENCH_NO_TORCH=1 trim it; BENCH_PEAK_GFLOPS sets the peak.
import { availableParallelism, cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import {
  columnsOf,
  loadTfjs,
  mlblocksRunner,
  type Plan,
  type Runner,
  ratioTable,
  runAll,
  tfjsRunner,
  torchRunner,
} from '@mlblocks/bench-kit';
import { registerBackend } from '@mlblocks/core-tensor';
import { buildWasm } from '../scripts/build-wasm.js';

// Relaxed SIMD (f32x4.relaxed_madd → one FMA instruction) is on by default in Node ≥ 22 and in
// browsers; Node 20's V8 has it behind this flag, the same as `node --experimental-wasm-relaxed-simd`.
// It must be set before any wasm is compiled.
if (process.env.BENCH_RELAXED !== '0') setFlagsFromString('--experimental-wasm-relaxed-simd');
process.env.XDG_RUNTIME_DIR ??= '/tmp'; // Dawn (WebGPU) needs it

await buildWasm();
const { createWasmBackend } = await import('@mlblocks/kernels-wasm');

const plan: Plan = {
  sizes: (process.env.BENCH_SIZES ?? '256,512,1024').split(',').map(Number),
  mlp: true,
  cnn: !process.env.BENCH_NO_CNN,
};
// 2 cores × 3.6 GHz × 2 FMA pipes × 8 fp32 lanes × 2 flops (Zen 4, 256-bit datapath): ≈ 232 GFLOP/s
const PEAK = Number(process.env.BENCH_PEAK_GFLOPS ?? 232);

async function main() {
  const one = await createWasmBackend({ threads: 1 });
  const two = await createWasmBackend({ threads: 2, name: 'wasm2' });
  registerBackend('wasm', one);
  registerBackend('wasm2', two);
  const isa = one.info.relaxedSimd ? 'relaxed SIMD' : 'SIMD';
  console.log(
    `kernels-wasm bench · Node ${process.version} · ${cpus()[0]?.model} (${availableParallelism()} cores) · ` +
      `relaxed SIMD available: ${one.info.relaxedSimd} · peak ${PEAK} GFLOP/s`,
  );
  const runners: Runner[] = [
    mlblocksRunner('wasm', `mlblocks wasm 1 thread (${isa})`),
    mlblocksRunner('wasm2', `mlblocks wasm 2 threads (${isa})`),
  ];
  if (one.info.relaxedSimd) {
    // the build Node 20 runs without the flag, for comparison
    registerBackend(
      'wasm-simd',
      await createWasmBackend({ threads: 1, relaxedSimd: false, name: 'wasm-simd' }),
    );
    runners.push(mlblocksRunner('wasm-simd', 'mlblocks wasm 1 thread (SIMD)'));
  }
  runners.push(mlblocksRunner('cpu', 'mlblocks cpu'));

  let gpu: GPU | null = null;
  if (!process.env.BENCH_NO_WEBGPU) {
    try {
      const { createNodeWebGPUBackend } = await import('@mlblocks/kernels-webgpu/node');
      const webgpu = await createNodeWebGPUBackend();
      registerBackend('webgpu', webgpu);
      gpu = webgpu.gpu;
      console.log(`WebGPU adapter: ${webgpu.adapterDescription}`);
      runners.push(mlblocksRunner('webgpu', 'mlblocks webgpu'));
    } catch (error) {
      console.log(`mlblocks webgpu: not run (${(error as Error).message.split('\n')[0]})`);
    }
  }
  if (!process.env.BENCH_NO_TFJS) {
    for (const name of ['wasm', 'cpu', 'webgpu'] as const) {
      if (name === 'webgpu' && !gpu) continue;
      const tf = await loadTfjs(name, gpu);
      if (typeof tf === 'string') console.log(`tfjs ${name}: not run (${tf})`);
      else runners.push(tfjsRunner(tf, name, name === 'wasm' ? 'tfjs wasm (1 thread)' : `tfjs ${name}`));
    }
  }

  let torch: string | null = null;
  if (!process.env.BENCH_NO_TORCH) {
    const peer = await torchRunner(plan);
    console.log(peer.note);
    if (peer.runner) runners.push(peer.runner);
    torch = peer.runner?.name ?? null;
  }

  const results = await runAll(runners, plan);
  const columns = columnsOf(plan);
  for (const base of [runners[0]!.name, runners[1]!.name, ...(torch ? [torch] : [])]) {
    console.log(`\nratios against ${base}:`);
    console.log(ratioTable(results, columns, base, PEAK));
  }
  console.log(
    '\n(n×) = that row ÷ the base row, inverted: how many times the base row’s throughput; % = of the fp32 peak.' +
      '\nMLP = forward + backward + SGD step of 784-256-10 at batch 128; CNN = the same for' +
      ' conv3×3(1→32) ReLU conv3×3(32→64) ReLU maxpool2 linear(9216→10) at batch 64.',
  );
  process.exit(0);
}

await main();
