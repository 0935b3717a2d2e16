// kernels-webgpu bench: matmul GFLOP/s (256–2048), one MLP training step (784-256-10, batch 128)
// and one CNN training step (batch 64, 3×3 convs 1→32→64 on 28×28) on this backend, our CPU
// backend and TensorFlow.js's webgpu / wasm / cpu backends — one run, as ratios against ours.
// Run: pnpm bench (in packages/kernels-webgpu). BENCH_SIZES, BENCH_NO_TFJS=1, BENCH_TFJS=webgpu,wasm
// (which TF.js peers), BENCH_NO_CNN=1 trim it; BENCH_MATMUL_KERNEL=tiled|registers picks our matmul kernel; BENCH_COMPOSED=1 runs convolution
// and pooling composed from gather + matmul (as before the window kernels); `pnpm bench --profile`
// (or BENCH_PROFILE=1) adds a per-kernel device-time profile of the MLP and CNN steps from
// timestamp queries, where the adapter has them. No thresholds: a measurement.
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
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp'; // Dawn needs it
const plan: Plan = {
  sizes: (process.env.BENCH_SIZES ?? '256,512,1024,2048').split(',').map(Number),
  mlp: true,
  cnn: !process.env.BENCH_NO_CNN,
};

/** Per-step engine work of one training workload: each step ends in exactly one readback (the loss). */
interface StepCounts {
  dispatches: number;
  submits: number;
}

/**
 * Wraps the webgpu runner so its MLP and CNN workloads also report dispatches and submits per
 * training step: the engine's totals over the whole workload (warm-up included; every step does
 * the same work) divided by its readbacks, one per step.
 */
function counting(runner: Runner, backend: WebGPUBackend, into: Map<string, StepCounts>): Runner {
  const measure = async (what: string, run: () => Promise<number>) => {
    const c = backend.engine.counts;
    const before = { ...c };
    const result = await run();
    const steps = c.reads - before.reads;
    into.set(what, {
      dispatches: (c.dispatches - before.dispatches) / steps,
      submits: (c.submits - before.submits) / steps,
    });
    return result;
  };
  return {
    name: runner.name,
    matmul: (n) => runner.matmul(n),
    mlp: () => measure('MLP', () => runner.mlp()),
    cnn: () => measure('CNN', () => runner.cnn()),
  };
}

async function main() {
  console.log(
    `kernels-webgpu bench · Node ${process.version} · ${cpus()[0]?.model} (${cpus().length} cores)`,
  );
  let gpu: GPU | null = null;
  let webgpu: WebGPUBackend | null = null;
  const profile = process.argv.includes('--profile') || Boolean(process.env.BENCH_PROFILE);
  const runners: Runner[] = [];
  const perStep = new Map<string, StepCounts>();
  try {
    const backend = await createNodeWebGPUBackend();
    registerBackend('webgpu', backend);
    gpu = backend.gpu;
    webgpu = backend;
    if (process.env.BENCH_COMPOSED) {
      // the NDArray layer's im2col composition (gather + matmul + scatter-add) instead of the
      // window kernels: what this backend ran before it had them
      const methods = ['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad', 'maxPool2d', 'maxPool2dGrad'];
      for (const m of methods) Object.defineProperty(backend, m, { value: undefined });
      console.log('window kernels: off (composed from gather + matmul)');
    }
    const kernel = process.env.BENCH_MATMUL_KERNEL; // compare the two matmul kernels on one adapter
    if (kernel === 'tiled' || kernel === 'registers') backend.engine.matmulKernel = kernel;
    console.log(`adapter: ${backend.adapterDescription} · matmul kernel: ${backend.engine.matmulKernel}`);
    runners.push(counting(mlblocksRunner('webgpu', 'mlblocks webgpu'), backend, perStep));
  } catch (error) {
    console.log(`adapter: none (${(error as Error).message})`);
  }
  runners.push(mlblocksRunner('cpu', 'mlblocks cpu'));
  const peers = (process.env.BENCH_TFJS ?? 'webgpu,wasm,cpu').split(',');
  for (const name of ['webgpu', 'wasm', 'cpu'] as const) {
    if (process.env.BENCH_NO_TFJS) break;
    if (!peers.includes(name)) continue;
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
  if (profile && webgpu) {
    for (const [what, run] of [
      ['MLP', () => mlblocksRunner('webgpu', 'profile').mlp()],
      ['CNN', () => mlblocksRunner('webgpu', 'profile').cnn()],
    ] as const) {
      if (what === 'CNN' && !plan.cnn) continue;
      if (!webgpu.engine.startProfile()) {
        console.log('profile: this adapter has no timestamp-query feature');
        break;
      }
      const reads = webgpu.engine.counts.reads;
      await run();
      const steps = webgpu.engine.counts.reads - reads;
      const kernels = await webgpu.engine.stopProfile();
      const total = kernels.reduce((a, k) => a + k.ms, 0);
      console.log(`\n${what} step, device time per kernel (${steps} steps, each dispatch in its own pass):`);
      for (const k of kernels.slice(0, 12)) {
        console.log(
          `  ${k.kernel.padEnd(34)} ${(k.ms / steps).toFixed(3).padStart(8)} ms/step  ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  ${(k.dispatches / steps).toFixed(1)} dispatches/step`,
        );
      }
    }
  }
  for (const [what, c] of perStep) {
    const round = (v: number) => (Number.isInteger(v) ? `${v}` : v.toFixed(1));
    console.log(
      `mlblocks webgpu ${what} step: ${round(c.dispatches)} dispatches, ${round(c.submits)} submits per step`,
    );
  }
  process.exit(0);
}

await main();
