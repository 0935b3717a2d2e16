// pnpm bench: the LSTM LM training step of the issue — embedding 128, one LSTM layer of 256,
// decoder to V = 10,000, 20 streams of 35 tokens, SGD with clipping — in tokens/s on our
// backends (wasm 1 and 2 threads, the CPU reference, WebGPU where an adapter exists), beside
// PyTorch (Debian's python3-torch, 1 thread, OMP_WAIT_POLICY=PASSIVE) when it is installed and
// TensorFlow.js on the same WebGPU adapter (and its wasm backend, which cannot train embeddings:
// the row says why); rows that cannot run are skipped with the reason. Ratios to PyTorch, and for
// WebGPU rows to TF.js webgpu. The median step is reported (the fastest for the TF.js peers,
// timed by bench-kit, whose steps take seconds).
//   pnpm bench [--seconds 5] [--no-cpu] [--no-torch] [--no-webgpu] [--no-tfjs] [--json FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadTfjs, tfjsLstmLmStep, timeStep } from '@mlblocks/bench-kit';
import {
  fromArray,
  Generator,
  registerBackend,
  removeBackend,
  setDefaultBackend,
} from '@mlblocks/core-tensor';
import { createWasmBackend } from '@mlblocks/kernels-wasm';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';
import { createModel, type LMCorpus, LMTrainer, lmConfig, wordCorpus } from '../src/index.js';

const { values } = parseArgs({
  // NOTE: `pnpm bench -- --seconds 2` passes a '--' through
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    seconds: { type: 'string', default: '5' },
    'no-cpu': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    'no-webgpu': { type: 'boolean', default: false },
    'no-tfjs': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const SPEC = {
  vocab: 10_000,
  embedding: 128,
  hidden: 256,
  seq: 35,
  batch: 20,
  seconds: Number(values.seconds),
};

// A synthetic stream over exactly V word types (the step's cost does not depend on the text).
function corpus(): LMCorpus {
  const g = new Generator(0);
  const words = Array.from({ length: SPEC.vocab - 2 }, (_, i) => `w${i}`);
  const text = Array.from({ length: 40_000 }, (_, i) =>
    i < words.length ? words[i] : words[g.nextInt(0, words.length)],
  ).join(' ');
  const c = wordCorpus([`${text}.`], { minCount: 1, every: 1_000_000 });
  if (c.vocab.size !== SPEC.vocab) throw new Error(`vocabulary ${c.vocab.size} ≠ ${SPEC.vocab}`);
  return c;
}

async function ours(backend: string, data: LMCorpus): Promise<number> {
  const config = lmConfig({
    model: 'lstm',
    vocabSize: SPEC.vocab,
    embeddingDim: SPEC.embedding,
    hiddenSize: SPEC.hidden,
    numLayers: 1,
  });
  const model = createModel(config, { seed: 0, backend });
  const trainer = new LMTrainer(model, data, { batchSize: SPEC.batch, bptt: SPEC.seq, lr: 0.1, clip: 0.25 });
  // stepAsync on every backend: on wasm and the CPU it reads the loss back as step() does
  await trainer.stepAsync();
  await trainer.stepAsync();
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < SPEC.seconds * 1000 || times.length < 3) {
    const t0 = performance.now();
    await trainer.stepAsync();
    times.push(performance.now() - t0);
  }
  trainer.dispose();
  times.sort((a, b) => a - b);
  return (SPEC.seq * SPEC.batch) / (times[times.length >> 1]! / 1000);
}

function torch(): { name: string; tokensPerSecond: number } | string {
  const python = '/usr/bin/python3';
  if (values['no-torch']) return 'PyTorch row skipped (--no-torch)';
  if (!existsSync(python)) return 'PyTorch row skipped: no /usr/bin/python3';
  try {
    const script = fileURLToPath(new URL('torch_speed.py', import.meta.url));
    const out = execFileSync(python, [script, JSON.stringify(SPEC)], {
      env: { ...process.env, OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = JSON.parse(out);
    return { name: `pytorch ${r.version} (1 thread)`, tokensPerSecond: r.tokensPerSecond };
  } catch (error) {
    const line = (error as Error).message.split('\n').find((l) => /Error/.test(l)) ?? 'failed';
    return `PyTorch row skipped (apt-get install python3-torch to add it): ${line.trim()}`;
  }
}

/** TF.js on one backend (WebGPU: the adapter `gpu`), or why its row is skipped. */
async function tfjs(backend: 'webgpu' | 'wasm', gpu: GPU | null): Promise<Row | string> {
  const name = `tfjs ${backend}`;
  if (values['no-tfjs']) return `${name} row skipped (--no-tfjs)`;
  const tf = await loadTfjs(backend, gpu);
  if (typeof tf === 'string') return `${name} row skipped: ${tf}`;
  const run = tfjsLstmLmStep(tf, SPEC);
  try {
    const seconds = await timeStep(async () => {
      await run.step();
    });
    return { name, tokensPerSecond: (SPEC.seq * SPEC.batch) / seconds };
  } catch (error) {
    return `${name} row skipped: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    run.dispose();
  }
}

interface Row {
  name: string;
  tokensPerSecond: number;
}
const data = corpus();
const rows: Row[] = [];
const skipped: string[] = [];
for (const threads of [1, 2]) {
  const wasm = await createWasmBackend({ threads });
  registerBackend('wasm', wasm);
  setDefaultBackend('wasm');
  fromArray([0]).dispose(); // the backend is warm before the clock starts
  rows.push({
    name: `mlblocks wasm (${threads} thread${threads > 1 ? 's' : ''})`,
    tokensPerSecond: await ours('wasm', data),
  });
  setDefaultBackend('cpu');
  removeBackend('wasm');
}
if (!values['no-cpu']) {
  setDefaultBackend('cpu');
  rows.push({ name: 'mlblocks cpu (reference)', tokensPerSecond: await ours('cpu', data) });
}
let adapter = 'none';
let tfjsWebgpu: number | null = null;
if (values['no-webgpu']) skipped.push('WebGPU rows skipped (--no-webgpu)');
else {
  process.env.XDG_RUNTIME_DIR ??= '/tmp'; // Dawn wants it
  try {
    const gpu = await createNodeWebGPUBackend();
    adapter = gpu.adapterDescription;
    registerBackend('webgpu', gpu);
    rows.push({ name: 'mlblocks webgpu', tokensPerSecond: await ours('webgpu', data) });
    const peer = await tfjs('webgpu', gpu.gpu);
    if (typeof peer === 'string') skipped.push(peer);
    else {
      rows.push(peer);
      tfjsWebgpu = peer.tokensPerSecond;
    }
  } catch (error) {
    skipped.push(`WebGPU rows skipped: ${(error as Error).message.split('\n')[0]}`);
  }
}
const tfWasm = await tfjs('wasm', null);
if (typeof tfWasm === 'string') skipped.push(tfWasm);
else rows.push(tfWasm);
const peer = torch();
if (typeof peer === 'string') skipped.push(peer);
else rows.push(peer);
const ref = typeof peer === 'string' ? null : peer.tokensPerSecond;
console.log(
  `LSTM LM step: embedding ${SPEC.embedding}, hidden ${SPEC.hidden}, V ${SPEC.vocab.toLocaleString('en-US')}, seq ${SPEC.seq}, batch ${SPEC.batch} (SGD, clip 0.25); WebGPU adapter: ${adapter}\n`,
);
for (const line of skipped) console.log(line);
console.log('| runner | tokens/s | × PyTorch | × TF.js webgpu |\n| --- | ---: | ---: | ---: |');
for (const r of rows) {
  const ratio = ref ? `${(r.tokensPerSecond / ref).toFixed(2)}×` : '—';
  const gpuRatio =
    tfjsWebgpu && /webgpu/.test(r.name) ? `${(r.tokensPerSecond / tfjsWebgpu).toFixed(2)}×` : '—';
  console.log(
    `| ${r.name} | ${Math.round(r.tokensPerSecond).toLocaleString('en-US')} | ${ratio} | ${gpuRatio} |`,
  );
}
if (values.json)
  writeFileSync(values.json, `${JSON.stringify({ spec: SPEC, adapter, rows, skipped }, null, 1)}\n`);
process.exit(0);
