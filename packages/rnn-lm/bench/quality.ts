// The quality targets on our side: the same data, model, optimizer and evaluation as
// bench/torch_reference.py (see bench/targets.ts), on the WebAssembly backend; one JSON line per
// evaluation on stdout.
//   tsx --conditions=@mlblocks/source bench/quality.ts TARGET [--threads N] [--seed S] [--shakespeare PATH]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registerBackend, setDefaultBackend } from '@mlblocks/core-tensor';
import { createWasmBackend } from '@mlblocks/kernels-wasm';
import { charCorpus, createModel, generateText, LMTrainer } from '../src/index.js';
import { loadSotuCorpus, saveLMCheckpoint } from '../src/node.js';
import { TARGETS } from './targets.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    checkpoint: { type: 'string' },
    shakespeare: {
      type: 'string',
      default: new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url).pathname,
    },
  },
});
const target = TARGETS.find((t) => t.name === positionals[0]);
if (!target) throw new Error(`usage: quality.ts ${TARGETS.map((t) => t.name).join('|')}`);
const wasm = await createWasmBackend({ threads: Number(values.threads) });
registerBackend('wasm', wasm);
setDefaultBackend('wasm');
const corpus =
  target.corpus === 'sotu'
    ? loadSotuCorpus()
    : charCorpus(readFileSync(values.shakespeare, 'utf8'), { name: 'shakespeare' });
const seed = Number(values.seed);
const model = createModel({ ...target.config, vocabSize: corpus.vocab.size }, { seed });
const trainer = new LMTrainer(model, corpus, { ...target.train, seed });
let start = performance.now();
let tokens = 0;
let loss = 0;
for (let step = 1; step <= target.steps; step++) {
  loss = trainer.step();
  tokens +=
    target.config.model === 'window'
      ? target.train.batchSize
      : target.train.batchSize * (target.train.bptt ?? 35);
  if (target.evalAt.includes(step)) {
    const seconds = (performance.now() - start) / 1000;
    const valid = trainer.evaluate('valid');
    console.log(
      JSON.stringify({
        tool: 'mlblocks',
        backend: `wasm ${values.threads} thread(s)`,
        target: target.name,
        step,
        trainLoss: loss,
        validLoss: valid.loss,
        validPerplexity: valid.perplexity,
        tokensPerSecond: tokens / seconds,
        seed,
      }),
    );
    start = performance.now();
    tokens = 0;
  }
}
// a sample of the trained model (seeded), and its checkpoint where asked
const sample = await generateText(model, corpus.vocab, {
  prime: corpus.level === 'char' ? 'ROMEO:' : 'the',
  tokens: corpus.level === 'char' ? 300 : 60,
  temperature: 0.8,
  seed: 1,
});
console.log(JSON.stringify({ target: target.name, sample }));
if (values.checkpoint) {
  await saveLMCheckpoint(values.checkpoint, { model, vocab: corpus.vocab, corpus: corpus.name, trainer });
}
process.exit(0);
