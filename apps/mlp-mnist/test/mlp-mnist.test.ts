// Smoke test: the whole app (train → plots → checkpoint → predict) with tiny settings, in-process.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@mlblocks/core-tensor';
import { loadEmbeddedMnist } from '@mlblocks/datasets/node';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomShift } from '../src/augment.js';
import { program } from '../src/cli.js';
import { grayPng } from '../src/digit-image.js';
import { predict } from '../src/predict.js';
import { train } from '../src/train.js';

// WebGPU runs where an adapter exists (Mesa lavapipe in CI); skipped elsewhere.
process.env.XDG_RUNTIME_DIR ??= '/tmp';
const webgpu = await createNodeWebGPUBackend().then(
  (backend) => {
    backend.dispose();
    return true;
  },
  () => false,
);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlp-mnist-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tiny = {
  trainSize: 300,
  testSize: 200,
  epochs: 1,
  batchSize: 50,
  lr: 3e-3,
  augment: 0,
  schedule: 'constant',
  progress: false,
} as const;

describe('mlp-mnist', () => {
  it('trains a 784-32-10 network for an epoch, prints summary(), writes plots and a checkpoint', async () => {
    const lines: string[] = [];
    const result = await train({
      ...tiny,
      backend: 'cpu',
      hidden: 32,
      outDir: dir,
      log: (l) => lines.push(l),
    });
    const output = lines.join('\n');
    expect(output).toContain('total parameters: 25,450'); // 784·32 + 32 + 32·10 + 10
    expect(output).toMatch(/epoch 1: train loss [\d.]+/);
    expect(result.model).toBe('784-32-10 ReLU');
    expect(result.history.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(result.history.batchLosses).toHaveLength(6);
    expect(result.testAccuracy).toBeGreaterThan(0.3); // chance is 0.1
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
    for (const file of [
      result.plots.learningCurve.png,
      result.plots.learningCurve.svg,
      result.plots.confusionMatrix.png,
      result.checkpoint,
    ]) {
      expect(existsSync(file), file).toBe(true);
    }
    const png = await readFile(result.plots.learningCurve.png);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const { tensors, metadata } = await loadSafetensors(result.checkpoint);
    expect([...tensors.keys()].sort()).toEqual([
      'layers.0.bias',
      'layers.0.weight',
      'layers.2.bias',
      'layers.2.weight',
    ]);
    expect(metadata).toMatchObject({ hidden: '32', layers: '1', activation: 'relu' });
  });

  it('predicts a PNG of a digit drawn dark on white, at another size', async () => {
    const { test } = loadEmbeddedMnist();
    // a test digit, 3× larger and inverted (as a person would draw it)
    const size = 84;
    const big = new Uint8Array(size * size);
    const digit = test.image(0);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        big[y * size + x] = 255 - digit[Math.floor(y / 3) * 28 + Math.floor(x / 3)]!;
    const image = join(dir, 'digit.png');
    await writeFile(image, grayPng(big, size, size));
    const result = await predict({
      image,
      checkpoint: join(dir, 'model.safetensors'),
      outDir: dir,
      log: () => {},
    });
    expect(result.input).toHaveLength(784);
    expect(Math.max(...result.input)).toBeGreaterThan(200); // ink is bright, as in MNIST
    expect(result.input[0]).toBe(0); // paper is black
    expect(result.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(result.label).toBe(result.probabilities.indexOf(Math.max(...result.probabilities)));
    expect(existsSync(result.files.probabilities.png)).toBe(true);
  });

  it('augments by whole-pixel shifts that keep every digit inside the frame', () => {
    const { test } = loadEmbeddedMnist();
    const few = test.subset([0, 1, 2, 3]);
    const shifted = randomShift(few, 2, new Generator(0));
    expect(shifted.labels).toEqual(few.labels);
    for (let i = 0; i < few.length; i++) {
      const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
      // MNIST digits sit in a 20×20 box inside 28×28: a 2-pixel shift loses no ink
      expect(sum(shifted.image(i))).toBe(sum(few.image(i)));
    }
    expect(shifted.images).not.toEqual(few.images);
  });

  it.skipIf(!webgpu)('trains on the WebGPU backend too', async () => {
    const result = await train({
      ...tiny,
      backend: 'webgpu',
      hidden: 32,
      outDir: join(dir, 'gpu'),
      log: () => {},
    });
    expect(result.backend).toBe('webgpu');
    expect(result.testAccuracy).toBeGreaterThan(0.3);
    expect(existsSync(result.checkpoint)).toBe(true);
  });

  it('has a CLI with --help listing the options', () => {
    const train = program().commands.find((c) => c.name() === 'train')!;
    const help = train.helpInformation();
    for (const flag of [
      '--backend',
      '--seed',
      '--hidden',
      '--layers',
      '--activation',
      '--epochs',
      '--data',
    ]) {
      expect(help).toContain(flag);
    }
  });

  it('runs from the command line with sigmoid and two hidden layers', async () => {
    const out = join(dir, 'cli');
    const log = console.log;
    console.log = () => {};
    try {
      await program().parseAsync(
        [
          '--backend',
          'cpu',
          '--hidden',
          '16',
          '--layers',
          '2',
          '--activation',
          'sigmoid',
          '--epochs',
          '1',
        ].concat(['--train-size', '200', '--test-size', '100', '--no-progress', '--out', out]),
        { from: 'user' },
      );
    } finally {
      console.log = log;
    }
    const { metadata } = await loadSafetensors(join(out, 'model.safetensors'));
    expect(metadata).toMatchObject({ hidden: '16', layers: '2', activation: 'sigmoid' });
  });
});
