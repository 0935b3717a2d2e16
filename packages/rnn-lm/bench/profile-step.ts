// Profiles the bench's LSTM LM step on wasm (1 thread): run with node's --cpu-prof, e.g.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx --conditions=@mlblocks/source bench/profile-step.ts [steps]
import { Generator, registerBackend, setDefaultBackend } from '@mlblocks/core-tensor';
import { createWasmBackend } from '@mlblocks/kernels-wasm';
import { createModel, LMTrainer, lmConfig, wordCorpus } from '../src/index.js';

const steps = Number(process.argv[2] ?? 20);
registerBackend('wasm', await createWasmBackend({ threads: 1 }));
setDefaultBackend('wasm');
const g = new Generator(0);
const words = Array.from({ length: 9998 }, (_, i) => `w${i}`);
const text = Array.from({ length: 40_000 }, (_, i) =>
  i < words.length ? words[i] : words[g.nextInt(0, words.length)],
).join(' ');
const corpus = wordCorpus([`${text}.`], { minCount: 1, every: 1_000_000 });
const model = createModel(
  lmConfig({ model: 'lstm', vocabSize: corpus.vocab.size, embeddingDim: 128, hiddenSize: 256, numLayers: 1 }),
  { seed: 0 },
);
const trainer = new LMTrainer(model, corpus, { batchSize: 20, bptt: 35, lr: 0.1, clip: 0.25 });
trainer.step();
const t0 = performance.now();
for (let i = 0; i < steps; i++) trainer.step();
console.log(`${((performance.now() - t0) / steps).toFixed(1)} ms/step`);
process.exit(0);
