import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory, setDefaultBackend } from '@mlblocks/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointMismatchError,
  CorpusError,
  charCorpus,
  createModel,
  generateText,
  type LMConfig,
  type LMCorpus,
  LMTrainer,
  lmConfig,
  type ModelKind,
  NonFiniteLossError,
  type RecurrentLM,
  type TrainOptions,
  UnknownTokenError,
  wordCorpus,
} from '../src/index.js';
import { loadLMCheckpoint, loadWeightsInto, saveLMCheckpoint } from '../src/node.js';
import { toyText } from './helpers.js';

beforeAll(() => setDefaultBackend('cpu'));

const words = wordCorpus([toyText(600)], { minCount: 1, name: 'toy' });
const chars = charCorpus(toyText(150), { name: 'toy-chars' });

function tiny(model: ModelKind, corpus: LMCorpus, extra: Partial<LMConfig> = {}): LMConfig {
  return lmConfig({
    model,
    level: corpus.level,
    vocabSize: corpus.vocab.size,
    embeddingDim: corpus.level === 'char' && model !== 'window' ? 0 : 16,
    hiddenSize: 24,
    numLayers: model === 'window' ? 1 : 2,
    context: model === 'window' ? 3 : 0,
    ...extra,
  });
}

const TRAIN: Record<ModelKind, TrainOptions> = {
  window: { batchSize: 64, optimizer: 'adam', lr: 1e-2, seed: 3 },
  rnn: { batchSize: 8, bptt: 12, optimizer: 'adam', lr: 1e-2, clip: 5, seed: 3 },
  lstm: { batchSize: 8, bptt: 12, optimizer: 'adam', lr: 2e-2, clip: 5, seed: 3 },
  gru: { batchSize: 8, bptt: 12, optimizer: 'adam', lr: 2e-2, clip: 5, seed: 3 },
};

describe.each(['window', 'rnn', 'lstm', 'gru'] as const)('%s LM', (kind) => {
  for (const corpus of kind === 'lstm' ? [words, chars] : [words]) {
    it(`learns ${corpus.level}s: valid perplexity falls and sampling repeats with a seed`, async () => {
      const model = createModel(tiny(kind, corpus), { seed: 1 });
      const trainer = new LMTrainer(model, corpus, TRAIN[kind]);
      const before = trainer.evaluate('valid');
      const live = memory().ndarrays;
      for (let i = 0; i < 25; i++) trainer.step();
      // tidy steps: only the carried state (replaced each step) and the optimizer's buffers stay
      const afterWarm = memory().ndarrays;
      for (let i = 0; i < 5; i++) trainer.step();
      expect(memory().ndarrays).toBe(afterWarm);
      expect(afterWarm).toBeGreaterThanOrEqual(live);
      const after = trainer.evaluate('valid');
      expect(after.perplexity).toBeLessThan(before.perplexity * 0.6);
      expect(after.bits).toBeCloseTo(after.loss / Math.LN2, 10);
      const options = { tokens: 20, temperature: 0.9, topK: 5, seed: 42 };
      const a = await generateText(model, corpus.vocab, options);
      const b = await generateText(model, corpus.vocab, options);
      const c = await generateText(model, corpus.vocab, { ...options, seed: 43 });
      expect(a).toBe(b);
      expect(a.length).toBeGreaterThan(0);
      expect(c).not.toBe(a);
      trainer.dispose();
    });
  }
});

describe('recurrent LM options', () => {
  it('ties the decoder to the embedding (one matrix, no separate decoder weight)', () => {
    const model = createModel(tiny('lstm', words, { embeddingDim: 24, tied: true }));
    const names = [...model.namedParameters().keys()];
    expect(names).toContain('encoder.weight');
    expect(names).not.toContain('decoder.weight');
    expect(() => createModel(tiny('lstm', words, { tied: true }))).toThrow(/embeddingDim = hiddenSize/);
  });

  it('draws dropout masks from its own generator: the same step seed repeats the loss', () => {
    const a = new LMTrainer(createModel(tiny('gru', words, { dropout: 0.3 }), { seed: 2 }), words, TRAIN.gru);
    const b = new LMTrainer(createModel(tiny('gru', words, { dropout: 0.3 }), { seed: 2 }), words, TRAIN.gru);
    expect([a.step(), a.step()]).toEqual([b.step(), b.step()]);
  });
});

describe('bad input', () => {
  it('a corpus too short for one BPTT window', () => {
    const small = charCorpus('abcdefghijabcdefghij');
    expect(() => new LMTrainer(createModel(tiny('lstm', small)), small, { batchSize: 32, lr: 1 })).toThrow(
      CorpusError,
    );
    expect(() => new LMTrainer(createModel(tiny('lstm', small)), small, { batchSize: 32, lr: 1 })).toThrow(
      /too short for one BPTT window/,
    );
  });

  it('a prime with characters outside a char model’s vocabulary', async () => {
    const model = createModel(tiny('rnn', chars));
    await expect(generateText(model, chars.vocab, { prime: 'the cat@', tokens: 3 })).rejects.toThrow(
      UnknownTokenError,
    );
  });

  it('NaN loss stops with the step and a lower learning rate, weights and checkpoint untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-lm-nan-'));
    try {
      const model = createModel(tiny('lstm', words), { seed: 1 });
      const trainer = new LMTrainer(model, words, { ...TRAIN.lstm, lr: 0.01 });
      trainer.step();
      trainer.step();
      await saveLMCheckpoint(join(dir, 'ckpt'), { model, vocab: words.vocab, corpus: words.name, trainer });
      const good = readFileSync(join(dir, 'ckpt', 'model.safetensors'));
      const weight = (model as RecurrentLM).decoder!.weight;
      weight.array.assign(Number.NaN); // a diverged run
      const before = model.stateDict().get('encoder.weight')!.dataSync().slice();
      expect(() => trainer.step()).toThrow(NonFiniteLossError);
      expect(() => trainer.step()).toThrow(/at step 3 .*try a lower learning rate \(e\.g\. 0\.0025\)/);
      expect(model.stateDict().get('encoder.weight')!.dataSync()).toEqual(before);
      await expect(
        saveLMCheckpoint(join(dir, 'ckpt'), { model, vocab: words.vocab, corpus: words.name, trainer }),
      ).rejects.toThrow(/NaN or infinite/);
      expect(readFileSync(join(dir, 'ckpt', 'model.safetensors')).equals(good)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-lm-ckpt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resume exactly: 3 + save/load + 3 steps give the losses and weights of 6 steps', async () => {
    const config = tiny('lstm', words, { dropout: 0.2 });
    const options: TrainOptions = { ...TRAIN.lstm, plateau: { factor: 0.5, patience: 0 } };
    const straight = new LMTrainer(createModel(config, { seed: 5 }), words, options);
    const losses = Array.from({ length: 6 }, () => straight.step());

    const first = new LMTrainer(createModel(config, { seed: 5 }), words, options);
    for (let i = 0; i < 3; i++) first.step();
    await saveLMCheckpoint(join(dir, 'lstm'), {
      model: first.model,
      vocab: words.vocab,
      corpus: words.name,
      trainer: first,
    });
    const loaded = await loadLMCheckpoint(join(dir, 'lstm'));
    expect(loaded.info.step).toBe(3);
    expect(loaded.model.config).toEqual(config);
    const resumed = new LMTrainer(loaded.model, words, loaded.info.train!);
    resumed.loadStateDict(loaded.trainer!, loaded.carried);
    const rest = Array.from({ length: 3 }, () => resumed.step());
    expect(rest).toEqual(losses.slice(3));
    const w1 = straight.model.stateDict();
    for (const [name, w] of resumed.model.stateDict()) expect(w.dataSync()).toEqual(w1.get(name)!.dataSync());
  });

  it('refuses a checkpoint whose config or vocabulary does not match the model', async () => {
    const model = createModel(tiny('window', words));
    await saveLMCheckpoint(join(dir, 'window'), { model, vocab: words.vocab, corpus: words.name });
    const other = createModel(tiny('window', words, { hiddenSize: 8 }));
    await expect(loadWeightsInto(other, words.vocab, join(dir, 'window'))).rejects.toThrow(
      CheckpointMismatchError,
    );
    await expect(loadWeightsInto(other, words.vocab, join(dir, 'window'))).rejects.toThrow(
      /hiddenSize: 24 ≠ 8/,
    );
    const shuffled = wordCorpus([toyText(600).replace(/cat/g, 'cow')], { minCount: 1 });
    await expect(
      loadWeightsInto(createModel(tiny('window', words)), shuffled.vocab, join(dir, 'window')),
    ).rejects.toThrow(/vocabulary/);
    await expect(loadLMCheckpoint(join(dir, 'missing'))).rejects.toThrow(/no config.json/);
    await expect(
      loadWeightsInto(createModel(tiny('window', words)), words.vocab, join(dir, 'window')),
    ).resolves.toMatchObject({
      step: 0,
    });
  });
});
