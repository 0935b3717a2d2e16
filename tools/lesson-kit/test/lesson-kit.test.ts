import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@mlblocks/autograd';
import { Generator, getDefaultBackend, listBackends, zeros } from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend, isSoftwareAdapter } from '@mlblocks/kernels-webgpu/node';
import { CrossEntropyLoss, Linear } from '@mlblocks/nn-layers';
import { SGD } from '@mlblocks/optim';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  accuracyOf,
  addBackendOptions,
  addDataOptions,
  addEpochOptions,
  addOutputOptions,
  addScheduleOption,
  confusionMatrix,
  confusionMatrixSpec,
  formatConfusionMatrix,
  imageLoader,
  learningCurveSpec,
  loadImageData,
  positiveInt,
  randomShift,
  renderSvg,
  reportWritten,
  runOptionsFrom,
  selectBackend,
  trainClassifier,
  writePlot,
} from '../src/index.js';
import { buildWasmKernels } from '../src/testing.js';

// `auto` falls back to the wasm backend: build its kernels first (not committed; a no-op when up
// to date), so what `auto` picks does not depend on which tests ran before.
await buildWasmKernels();

// The WebGPU adapter of this machine, if any (Mesa lavapipe in CI: a software one).
process.env.XDG_RUNTIME_DIR ??= '/tmp';
const adapter = await createNodeWebGPUBackend().then(
  (backend) => {
    const description = backend.adapterDescription;
    backend.dispose();
    return description;
  },
  () => null,
);

describe('lesson-kit', () => {
  it('counts a confusion matrix and its accuracy', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3);
    expect(m).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    expect(accuracyOf(m)).toBeCloseTo(4 / 6);
    expect(formatConfusionMatrix(m, ['0', '1', 'Dress'])).toContain('2 Dress');
  });

  it('renders Vega-Lite specs to SVG and PNG files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lesson-kit-'));
    try {
      const points = [0, 1, 2].map((epoch) => ({ epoch, value: 1 / (epoch + 1), series: 'test' }));
      const files = await writePlot(learningCurveSpec(points, points, 'curves'), dir, 'curves');
      expect((await readFile(files.svg, 'utf8')).startsWith('<svg')).toBe(true);
      const png = await readFile(files.png);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const svg = await renderSvg(
        confusionMatrixSpec(
          [
            [3, 1],
            [0, 4],
          ],
          ['a', 'b'],
          'cm',
        ),
      );
      expect(svg).toContain('<text');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses CLI numbers strictly', () => {
    expect(positiveInt('12')).toBe(12);
    expect(() => positiveInt('1.5')).toThrow(/positive integer/);
    expect(() => positiveInt('0')).toThrow(/positive integer/);
  });

  it('selects the CPU backend', async () => {
    const backend = await selectBackend('cpu');
    expect(backend.name).toBe('cpu');
    expect(getDefaultBackend()).toBe('cpu');
    backend.release();
  });

  it('auto picks WebGPU on a hardware adapter, else wasm (saying why), and gives the CPU default back', async () => {
    const notices: string[] = [];
    const backend = await selectBackend('auto', (line) => notices.push(line));
    if (adapter !== null && !isSoftwareAdapter(adapter)) {
      expect(backend.name).toBe('webgpu');
      expect(notices).toEqual([]);
    } else {
      // no adapter, or a software one (lavapipe): kernels-webgpu's notice names the fallback
      expect(backend.name).toBe('wasm');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(
        adapter === null
          ? /^mlblocks: WebGPU unavailable, using the wasm backend \(/
          : /^mlblocks: the only WebGPU adapter is a software one \(.+\); using the wasm backend$/,
      );
    }
    expect(getDefaultBackend()).toBe(backend.name);
    expect(await zeros([2, 3]).add(1).sum().itemAsync()).toBe(6); // created on the chosen backend
    backend.release();
    expect(getDefaultBackend()).toBe('cpu');
    expect(listBackends()).not.toContain('wasm');
    expect(listBackends()).not.toContain('webgpu');
  });

  it('uses the WebGPU adapter asked for, a software one too, and fails with the reason without one', async () => {
    if (adapter === null) {
      await expect(selectBackend('webgpu')).rejects.toThrow(/.+/);
      expect(getDefaultBackend()).toBe('cpu');
      return;
    }
    const notices: string[] = [];
    const backend = await selectBackend('webgpu', (line) => notices.push(line));
    expect(backend.name).toBe('webgpu');
    expect(backend.description).toBe(`WebGPU (${adapter})`);
    expect(notices).toEqual([]);
    backend.release();
    expect(listBackends()).not.toContain('webgpu');
  });

  it('runs the epochs around a lesson step: epoch 0, one log line and one history row per epoch', async () => {
    const data = loadImageData({ trainSize: 200, testSize: 100 });
    const loader = (dataset: typeof data.train, batchSize: number) =>
      imageLoader(dataset, null, { batchSize, shuffle: false, generator: new Generator(0), backend: 'cpu' });
    const model = new Linear(784, 10, { generator: new Generator(0), backend: 'cpu' });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const lossFn = new CrossEntropyLoss();
    const lines: string[] = [];
    let steps = 0;
    const trainLoader = loader(data.train, 50);
    const run = await trainClassifier(
      { epochs: 2, progress: false, log: (line) => lines.push(line) },
      {
        model,
        step: (images, labels) => {
          steps++;
          const logits = model.forward(tensor(images));
          const loss = lossFn.forward(logits, labels);
          loss.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return { loss, logits };
        },
        trainLoader: () => trainLoader,
        batchesPerEpoch: trainLoader.length,
        testLoader: loader(data.test, 100),
        initialState: 'random',
      },
    );
    expect(steps).toBe(8);
    expect(run.history.batchLosses).toHaveLength(8);
    expect(run.history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(run.history.epochs[0]!.trainLoss).toBeNull();
    expect(run.history.epochs[2]!.testAccuracy).toBe(run.test.accuracy);
    expect(run.test.labels).toHaveLength(100);
    expect(run.secondsPerEpoch).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^epoch 0 \(random\): test loss [\d.]+, test accuracy [\d.]+%$/);
    expect(lines[2]).toMatch(
      /^epoch 2: train loss [\d.]+, train accuracy [\d.]+% \| test loss [\d.]+, test accuracy [\d.]+% \| \d/,
    );
    expect(run.history.epochs[2]!.testLoss).toBeLessThan(run.history.epochs[0]!.testLoss);
    optimizer.dispose();
  });

  it('loads images flat for dense layers or as [batch, 1, H, W] planes for convolutions', () => {
    const data = loadImageData({ trainSize: 10, testSize: 10 });
    const options = { batchSize: 4, shuffle: false, generator: new Generator(0), backend: 'cpu' };
    const flat = [...imageLoader(data.train, data.stats, options)][0]!;
    const planes = [...imageLoader(data.train, data.stats, { ...options, layout: 'nchw' })][0]!;
    expect(flat.images.shape).toEqual([4, 784]);
    expect(planes.images.shape).toEqual([4, 1, 28, 28]);
    expect(planes.images.dataSync()).toEqual(flat.images.dataSync());
  });

  it('shifts images by whole pixels and mirrors them only when asked', () => {
    const data = loadImageData({ trainSize: 50, testSize: 1 });
    const ink = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    const shifted = randomShift(data.train, 2, new Generator(0));
    // MNIST digits sit in a 20×20 box of the 28×28 image: a 2-pixel shift loses no ink
    for (let i = 0; i < 50; i++) expect(ink(shifted.image(i))).toBe(ink(data.train.image(i)));
    const mirrored = randomShift(data.train, 0, new Generator(1), { flip: true });
    let flips = 0;
    for (let i = 0; i < 50; i++) {
      const [a, b] = [data.train.image(i), mirrored.image(i)];
      const isMirror = [...a].every((v, k) => v === b[Math.floor(k / 28) * 28 + 27 - (k % 28)]);
      const same = [...a].every((v, k) => v === b[k]);
      expect(isMirror || same).toBe(true);
      if (isMirror && !same) flips++;
    }
    expect(flips).toBeGreaterThan(10);
    expect(flips).toBeLessThan(40);
    expect(mirrored.labels).toEqual(data.train.labels);
  });

  it('adds the shared training flags and turns them into run options', () => {
    const command = new Command('train').exitOverride().configureOutput({ writeErr: () => {} });
    addBackendOptions(command, { backend: 'auto', seed: 0 });
    addEpochOptions(command, { epochs: 20, batchSize: 64 });
    addScheduleOption(command, 'cosine');
    addDataOptions(command);
    addOutputOptions(command, 'out/x', 'where the plots go');
    command.parse(['--backend', 'cpu', '--epochs', '3', '--test-size', '10', '--no-progress'], {
      from: 'user',
    });
    const flags = command.opts<{ out: string; progress: boolean }>();
    expect(runOptionsFrom(flags)).toEqual({
      backend: 'cpu',
      seed: 0,
      epochs: 3,
      batchSize: 64,
      schedule: 'cosine',
      testSize: 10,
      outDir: 'out/x',
      progress: false,
    });
    command.parse([], { from: 'user' });
    expect(runOptionsFrom(command.opts<{ out: string; progress: boolean }>()).progress).toBe('auto');
    expect(() => command.parse(['--backend', 'tpu'], { from: 'user' })).toThrow(/Allowed choices/);
  });

  it('lists the files written, a plot as its PNG then its SVG', () => {
    const lines: string[] = [];
    reportWritten((line) => lines.push(line), [{ png: 'a.png', svg: 'a.svg' }, 'w.safetensors']);
    expect(lines.join('\n')).toBe('\nwrote\n  a.png\n  a.svg\n  w.safetensors');
  });
});
