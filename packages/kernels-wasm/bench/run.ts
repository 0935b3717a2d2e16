// Matmul GFLOP/s (256–1024) and one MLP training step (784-256-10, batch 128) on this backend
// (1 and 2 threads), our CPU reference and TensorFlow.js's wasm / cpu backends, in one run, as
// ratios and % of the machine's fp32 peak. Run: pnpm bench (in packages/kernels-wasm); add
// `node --experimental-wasm-relaxed-simd` on Node 20 for the FMA build. No thresholds: a measurement.
import { availableParallelism, cpus } from 'node:os';
import { noGrad, softmaxCrossEntropy, tensor } from '@mlblocks/autograd';
import { Generator, type NDArray, randint, randn, registerBackend, tidy } from '@mlblocks/core-tensor';
import { buildWasm } from '../scripts/build-wasm.mjs';
import { loadTfjs, type Tfjs } from './peers.js';

await buildWasm();
const { createWasmBackend } = await import('@mlblocks/kernels-wasm');

const SIZES = (process.env.BENCH_SIZES ?? '256,512,1024').split(',').map(Number);
// 2 cores × 3.6 GHz × 2 FMA pipes × 8 fp32 lanes × 2 flops (Zen 4, 256-bit datapath): ≈ 232 GFLOP/s
const PEAK = Number(process.env.BENCH_PEAK_GFLOPS ?? 232);
const gen = new Generator(0);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median seconds per call of a step, after warm-up, for about `budget` seconds. */
async function time(step: () => Promise<void>, budget = 1.5, minReps = 3): Promise<number> {
  await step();
  await step();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minReps || (performance.now() - start) / 1000 < budget) {
    const t0 = performance.now();
    await step();
    samples.push((performance.now() - t0) / 1000);
    if (samples.length >= 50) break;
  }
  return median(samples);
}

/** How many back-to-back calls fill about 0.2 s, from the time of one (after a warm-up call). */
async function repsFor(once: () => Promise<void>): Promise<number> {
  await once();
  const t0 = performance.now();
  await once();
  const seconds = (performance.now() - t0) / 1000;
  return Math.min(200, Math.max(1, Math.round(0.2 / seconds)));
}

type Runner = {
  name: string;
  matmul: (n: number) => Promise<number | null>;
  mlp: () => Promise<number | null>;
};

function ours(backend: string, label: string): Runner {
  return {
    name: label,
    async matmul(n) {
      const a = randn([n, n], { generator: gen }).to(backend);
      const b = randn([n, n], { generator: gen }).to(backend);
      const reps = await repsFor(async () => {
        const c = a.matmul(b);
        await c.data();
        c.dispose();
      });
      const t = await time(async () => {
        let last: NDArray | null = null;
        for (let i = 0; i < reps; i++) {
          last?.dispose();
          last = a.matmul(b);
        }
        await last!.data();
        last!.dispose();
      });
      a.dispose();
      b.dispose();
      return (2 * n ** 3 * reps) / t / 1e9;
    },
    async mlp() {
      const x = tensor(randn([128, 784], { generator: gen }).to(backend));
      const y = randint(0, 10, [128], { generator: gen }).to(backend);
      const params = [
        randn([784, 256], { generator: gen }).mul(0.05),
        randn([256], { generator: gen }).mul(0),
        randn([256, 10], { generator: gen }).mul(0.05),
        randn([10], { generator: gen }).mul(0),
      ].map((p) => tensor(p.to(backend), { requiresGrad: true }));
      const [w1, b1, w2, b2] = params as [
        ReturnType<typeof tensor>,
        ReturnType<typeof tensor>,
        ReturnType<typeof tensor>,
        ReturnType<typeof tensor>,
      ];
      return time(async () => {
        const loss = tidy(() => {
          const l = softmaxCrossEntropy(x.matmul(w1).add(b1).relu().matmul(w2).add(b2), y);
          l.backward();
          noGrad(() => {
            for (const p of params) p.assign(p.array.sub(p.grad!.array.mul(0.1)));
          });
          for (const p of params) p.zeroGrad();
          return l.detach();
        });
        await loss.itemAsync();
        loss.dispose();
      });
    },
  };
}

type TF = ReturnType<Tfjs['matMul']>;

function tfjs(name: string, tf: Tfjs): Runner {
  return {
    name: `tfjs ${name} (1 thread)`,
    async matmul(n) {
      await tf.setBackend(name); // one global TF.js engine: select this runner's backend
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      const reps = await repsFor(async () => {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      });
      const t = await time(async () => {
        let last: TF | null = null;
        for (let i = 0; i < reps; i++) {
          last?.dispose();
          last = tf.matMul(a, b);
        }
        await last!.data();
        last!.dispose();
      });
      tf.dispose([a, b]);
      return (2 * n ** 3 * reps) / t / 1e9;
    },
    async mlp() {
      await tf.setBackend(name);
      const x = tf.randomNormal([128, 784]);
      const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32'), 10);
      const w1 = tf.variable(tf.randomNormal([784, 256], 0, 0.05));
      const b1 = tf.variable(tf.zeros([256]));
      const w2 = tf.variable(tf.randomNormal([256, 10], 0, 0.05));
      const b2 = tf.variable(tf.zeros([10]));
      const opt = tf.train.sgd(0.1);
      return time(async () => {
        const loss = opt.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              y,
              tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2),
            ),
          true,
        );
        await loss!.data();
        loss!.dispose();
      });
    },
  };
}

async function main() {
  const one = await createWasmBackend({ threads: 1 });
  const two = await createWasmBackend({ threads: 2, name: 'wasm2' });
  registerBackend('wasm', one);
  registerBackend('wasm2', two);
  console.log(
    `kernels-wasm bench · Node ${process.version} · ${cpus()[0]?.model} (${availableParallelism()} cores) · ` +
      `relaxed SIMD: ${one.info.relaxedSimd} · peak ${PEAK} GFLOP/s`,
  );
  const runners: Runner[] = [
    ours('wasm', 'mlblocks wasm 1 thread'),
    ours('wasm2', 'mlblocks wasm 2 threads'),
  ];
  runners.push(ours('cpu', 'mlblocks cpu'));
  for (const name of ['wasm', 'cpu'] as const) {
    if (process.env.BENCH_NO_TFJS) break;
    const tf = await loadTfjs(name);
    if (typeof tf === 'string') console.log(`tfjs ${name}: not run (${tf})`);
    else runners.push(tfjs(name, tf));
  }
  const results = new Map<string, (number | null)[]>();
  for (const r of runners) {
    const values: (number | null)[] = [];
    for (const n of SIZES) values.push(await r.matmul(n));
    const stepSeconds = await r.mlp().catch((error: Error) => {
      console.log(`${r.name}: MLP step not run (${error.message.split('\n')[0]})`);
      return null;
    });
    values.push(stepSeconds === null ? null : 128 / stepSeconds);
    results.set(r.name, values);
  }
  const rows: string[][] = [];
  for (const [base, label] of [
    [runners[0]!.name, '1 thread'],
    [runners[1]!.name, '2 threads'],
  ] as const) {
    rows.length = 0;
    const b = results.get(base)!;
    for (const [name, values] of results) {
      rows.push([
        name,
        ...values.map((v, i) => {
          if (v === null) return '—';
          const pct = i < SIZES.length ? ` ${((100 * v) / PEAK).toFixed(0)}%` : '';
          return `${v.toFixed(i === SIZES.length ? 0 : 1)}${pct} (${(b[i]! / v).toFixed(2)}×)`;
        }),
      ]);
    }
    const head = ['backend', ...SIZES.map((n) => `matmul ${n} GFLOP/s`), 'MLP samples/s'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(`\nratios against mlblocks wasm ${label}:`);
    console.log(line(head));
    for (const r of rows) console.log(line(r));
  }
  console.log(
    '\n(n×) = our wasm ÷ that backend; % = of the fp32 peak; MLP = one forward+backward+SGD step of 784-256-10 at batch 128',
  );
  process.exit(0);
}

await main();
