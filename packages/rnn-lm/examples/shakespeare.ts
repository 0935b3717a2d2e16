// pnpm example [path/to/text.txt] [steps]: a char LSTM on tinyshakespeare (or any text file) on
// the WebAssembly backend — train with truncated BPTT, measure bits per character on the whole
// valid stream, save a checkpoint, load it back and stream a sample.
import { readFileSync } from 'node:fs';
import { registerBackend, setDefaultBackend } from '@mlblocks/core-tensor';
import { createWasmBackend } from '@mlblocks/kernels-wasm';
import { charCorpus, createModel, generate, LMTrainer, lmConfig } from '@mlblocks/rnn-lm';
import { loadLMCheckpoint, saveLMCheckpoint } from '@mlblocks/rnn-lm/node';

const path =
  process.argv[2] ?? new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url).pathname;
const steps = Number(process.argv[3] ?? 200);
registerBackend('wasm', await createWasmBackend({ threads: 2 }));
setDefaultBackend('wasm');

const corpus = charCorpus(readFileSync(path, 'utf8'), { name: 'shakespeare' }); // 65 characters, 90% / 10%
const config = lmConfig({
  model: 'lstm',
  level: 'char',
  vocabSize: corpus.vocab.size,
  embeddingDim: 0,
  hiddenSize: 256,
  numLayers: 2,
});
const model = createModel(config, { seed: 0 }); // one-hot(65) → 2 × LSTM 256 → Linear 256 → 65
const trainer = new LMTrainer(model, corpus, {
  batchSize: 32,
  bptt: 100,
  optimizer: 'adam',
  lr: 2e-3,
  clip: 5,
});
for (let i = 1; i <= steps; i++) {
  const loss = trainer.step(); // a 100-character window of 32 streams; the state is carried, detached
  if (i % 50 === 0) console.log(`step ${i}: train loss ${loss.toFixed(3)} nats/char`);
}
const valid = trainer.evaluate('valid'); // the whole valid stream
console.log(`valid: ${valid.loss.toFixed(3)} nats/char = ${valid.bits.toFixed(3)} bits/char`);

await saveLMCheckpoint('out/shakespeare-lstm', { model, vocab: corpus.vocab, corpus: corpus.name, trainer });
const { model: loaded, vocab } = await loadLMCheckpoint('out/shakespeare-lstm');
for await (const t of generate(loaded, vocab, {
  prime: 'ROMEO:',
  tokens: 300,
  temperature: 0.8,
  topK: 20,
  seed: 1,
})) {
  process.stdout.write(t.text); // streamed one character at a time
}
console.log();
process.exit(0);
