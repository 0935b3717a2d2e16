// Training on WebGPU: stepAsync and evaluateAsync (the clip on the device, one readback per step)
// follow step and evaluate on the CPU reference, memory stays flat, and the synchronous methods
// say which one to call instead. Skipped without an adapter, except under CI=true (lavapipe).
import { BackendError, memory, registerBackend } from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';
import { describe, expect, it } from 'vitest';
import {
  createModel,
  LMTrainer,
  lmConfig,
  type ModelKind,
  NonFiniteLossError,
  type RecurrentLM,
  wordCorpus,
} from '../src/index.js';
import { toyText } from './helpers.js';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
let reason = '';
try {
  registerBackend('webgpu', await createNodeWebGPUBackend());
} catch (error) {
  reason = (error as Error).message;
  if (process.env.CI === 'true') throw new Error(`CI=true but no WebGPU adapter: ${reason}`);
  console.warn(`*** rnn-lm WebGPU tests SKIPPED: ${reason}`);
}

const corpus = wordCorpus([toyText(300)], { minCount: 1, name: 'toy' });
const config = (model: ModelKind) =>
  lmConfig({
    model,
    level: 'word',
    vocabSize: corpus.vocab.size,
    embeddingDim: 16,
    hiddenSize: 24,
    numLayers: model === 'window' ? 1 : 2,
    context: model === 'window' ? 3 : 0,
  });

describe.skipIf(reason !== '')('LMTrainer on WebGPU', () => {
  it.each(['lstm', 'gru', 'window'] as const)('%s: stepAsync follows step on the CPU', async (kind) => {
    // clip 0.5 is reached at every step, so the on-device clip is exercised
    const options = { batchSize: 8, bptt: 10, optimizer: 'adam' as const, lr: 1e-2, clip: 0.5, seed: 2 };
    const cpu = new LMTrainer(createModel(config(kind), { seed: 1, backend: 'cpu' }), corpus, options);
    const gpu = new LMTrainer(createModel(config(kind), { seed: 1, backend: 'webgpu' }), corpus, options);
    for (let i = 0; i < 6; i++) {
      const expected = cpu.step();
      expect(await gpu.stepAsync()).toBeCloseTo(expected, 4);
    }
    const [a, b] = [cpu.evaluate('valid'), await gpu.evaluateAsync('valid')];
    expect(b.tokens).toBe(a.tokens);
    expect(b.loss).toBeCloseTo(a.loss, 4);
    const weight = gpu.model.parameters()[0]!;
    const host = Array.from(cpu.model.parameters()[0]!.array.dataSync());
    const device = Array.from(await weight.array.data());
    for (const [i, v] of device.entries()) expect(v).toBeCloseTo(host[i]!, 4);
    cpu.dispose();
    gpu.dispose();
  });

  it('holds live GPU memory flat over steps, and names the async methods', async () => {
    const trainer = new LMTrainer(createModel(config('lstm'), { seed: 1, backend: 'webgpu' }), corpus, {
      batchSize: 8,
      bptt: 10,
      lr: 1,
      clip: 0.25,
    });
    for (let i = 0; i < 3; i++) await trainer.stepAsync();
    const live = memory().ndarrays;
    for (let i = 0; i < 10; i++) await trainer.stepAsync();
    expect(memory().ndarrays).toBe(live);
    expect(() => trainer.step()).toThrow(BackendError);
    expect(() => trainer.step()).toThrow(/'webgpu' reads back asynchronously.*await trainer\.stepAsync\(\)/);
    expect(() => trainer.evaluate()).toThrow(/await trainer\.evaluateAsync\(\)/);
    trainer.dispose();
  });

  it('stops on a NaN loss before the weights change', async () => {
    const trainer = new LMTrainer(createModel(config('gru'), { seed: 1, backend: 'webgpu' }), corpus, {
      batchSize: 8,
      bptt: 10,
      lr: 1,
    });
    const weight = trainer.model.parameters()[0]!; // the embedding
    const before = Array.from(await weight.array.data());
    (trainer.model as RecurrentLM).decoder!.weight.array.assign(Number.NaN); // a diverged run
    await expect(trainer.stepAsync()).rejects.toThrow(NonFiniteLossError);
    await expect(trainer.stepAsync()).rejects.toThrow(/at step 1 .*try a lower learning rate/);
    expect(Array.from(await weight.array.data())).toEqual(before);
    trainer.dispose();
  });
});
