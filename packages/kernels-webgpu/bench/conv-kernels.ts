// The window kernels of the bench's CNN step, one at a time: milliseconds per call and GFLOP/s of
// each convolution product and the pooling, on this machine's adapter. What the CNN row of
// `pnpm bench` is made of; for tuning the register blocks (BENCH_BLOCK=channels×positions sets
// all three kernels', BENCH_BLOCK_FORWARD / _INPUT / _WEIGHT one's) and comparing with the composed path (BENCH_COMPOSED=1).
// Run: pnpm tsx --conditions=@mlblocks/source bench/conv-kernels.ts (in packages/kernels-webgpu).
import {
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  Generator,
  maxPool2d,
  maxPool2dGrad,
  type NDArray,
  randn,
  registerBackend,
  tidy,
} from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp';

const backend = await createNodeWebGPUBackend();
registerBackend('webgpu', backend);
if (process.env.BENCH_COMPOSED) {
  for (const m of ['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad', 'maxPool2d', 'maxPool2dGrad'])
    Object.defineProperty(backend, m, { value: undefined });
}
for (const [kernel, variable] of [
  ['forward', 'BENCH_BLOCK_FORWARD'],
  ['inputGrad', 'BENCH_BLOCK_INPUT'],
  ['weightGrad', 'BENCH_BLOCK_WEIGHT'],
] as const) {
  const block = (process.env[variable] ?? process.env.BENCH_BLOCK)?.split('x').map(Number);
  if (block) Object.assign(backend.engine.conv.blocks[kernel], { channels: block[0], positions: block[1] });
}
console.log(
  `adapter: ${backend.adapterDescription} · ${process.env.BENCH_COMPOSED ? 'composed' : `blocks ${JSON.stringify(backend.engine.conv.blocks)}`}`,
);

const gen = new Generator(0);
const on = (...shape: number[]) => randn(shape, { generator: gen }).to('webgpu');
const B = 64;
const x1 = on(B, 1, 28, 28);
const w1 = on(32, 1, 3, 3);
const x2 = on(B, 32, 26, 26);
const w2 = on(64, 32, 3, 3);
const dy1 = on(B, 32, 26, 26);
const dy2 = on(B, 64, 24, 24);
const y2 = on(B, 64, 24, 24);
const pooled = maxPool2d(y2, 2);
const dp = on(B, 64, 12, 12);

/**
 * Milliseconds per call of `f` (the fastest of 5 batches of `reps`, each ended by a readback),
 * wall-clock and CPU time of this process (lavapipe's threads run in it): on a machine shared
 * with other jobs the CPU time still compares kernels.
 */
async function time(f: () => NDArray, reps: number): Promise<[number, number]> {
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 6; round++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let last: NDArray | null = null;
    for (let i = 0; i < reps; i++) {
      last?.dispose();
      last = tidy(f);
    }
    await last!.data();
    last!.dispose();
    const c = process.cpuUsage(c0);
    if (round > 0) {
      best = Math.min(best, (performance.now() - t0) / reps);
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000 / reps);
    }
  }
  return [best, bestCpu];
}

const flops = (n: number, co: number, p: number, k: number) => 2 * n * co * p * k;
const rows: [string, () => NDArray, number][] = [
  ['conv1 forward      [64,1,28,28]*[32,1,3,3]', () => conv2d(x1, w1), flops(B, 32, 676, 9)],
  ['conv1 weight grad', () => conv2dWeightGrad(x1, dy1, 3), flops(B, 32, 676, 9)],
  ['conv2 forward      [64,32,26,26]*[64,32,3,3]', () => conv2d(x2, w2), flops(B, 64, 576, 288)],
  ['conv2 input grad', () => conv2dInputGrad(dy2, w2, [26, 26]), flops(B, 64, 576, 288)],
  ['conv2 weight grad', () => conv2dWeightGrad(x2, dy2, 3), flops(B, 64, 576, 288)],
  ['maxpool 2×2        [64,64,24,24]', () => maxPool2d(y2, 2).values, 0],
  ['maxpool grad', () => maxPool2dGrad(dp, pooled.indices, [24, 24], 2), 0],
];
for (const [name, f, work] of rows) {
  const [ms, cpu] = await time(f, 3);
  const rate = work ? `${(work / ms / 1e6).toFixed(2)} GFLOP/s` : '';
  console.log(
    `${name.padEnd(46)} ${ms.toFixed(2).padStart(8)} ms  cpu ${cpu.toFixed(1).padStart(7)} ms  ${rate}`,
  );
}
backend.dispose();
process.exit(0);
