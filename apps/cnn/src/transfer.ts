import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator, type NDArray } from '@mlblocks/core-tensor';
import type { ImageDataset } from '@mlblocks/datasets';
import { permutation } from '@mlblocks/datasets';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { Adam } from '@mlblocks/optim';
import {
  type BackendChoice,
  evaluateClassifier,
  formatPercent,
  formatSeconds,
  imageLoader,
  loadImageData,
  type PlotFiles,
  randomShift,
  selectBackend,
  trainingProgress,
  writePlot,
} from 'lesson-kit';
import { infoFromMetadata } from './checkpoint.js';
import { type BatchSource, METHOD_NAMES, METHODS, type Method, trainSteps } from './fine-tune.js';
import { buildNet } from './net.js';
import { train } from './train.js';
import { transferSpec } from './transfer-plot.js';

/** What `transfer` needs. */
export interface TransferOptions {
  backend: BackendChoice;
  seed: number;
  /** A checkpoint written by `train` to start from; without it, LeNet-5 is pretrained on Fashion-MNIST first. */
  pretrained?: string;
  /** Epochs of that pretraining, and how many Fashion-MNIST training images it uses (all by default). */
  pretrainEpochs: number;
  pretrainSize?: number;
  /** Labelled MNIST digits to learn from, one run per count and method (balanced across the digits). */
  labels: number[];
  /** Training steps per run (the same budget for every method) and images per step. */
  steps: number;
  batchSize: number;
  /** Adam's learning rate for the new head (and from scratch); the pretrained layers fine-tune at a quarter of it. */
  lr: number;
  /** Runs per cell with different labelled subsets and head initializations (mean ± spread reported). */
  repeats: number;
  /** Random shifts of the labelled images, anew every pass (0: off). */
  shift: number;
  /** Use only the first n test digits (all 2,000 by default). */
  testSize?: number;
  outDir: string;
  progress: boolean | 'auto';
  log: (line: string) => void;
}

export const TRANSFER_DEFAULTS: TransferOptions = {
  backend: 'auto',
  seed: 0,
  pretrainEpochs: 3,
  labels: [100, 1000],
  steps: 300,
  batchSize: 32,
  lr: 2e-3,
  repeats: 3,
  shift: 2,
  outDir: 'out/cnn/transfer',
  progress: 'auto',
  log: (line) => console.log(line),
};

/** One cell of the table: a method at a number of labels, over the repeats. */
export interface TransferCell {
  labels: number;
  method: Method;
  accuracies: number[];
  mean: number;
  /** Seconds of training per run (mean). */
  seconds: number;
}

/** What `transfer` measured. */
export interface TransferResult {
  backend: string;
  pretrained: string;
  /** Test accuracy of the pretrained network on its own task (from its checkpoint). */
  pretrainedAccuracy: number;
  cells: TransferCell[];
  /** At the smallest label count: the better transfer method's mean minus scratch's, in points. */
  gainAtFewest: number;
  plot: PlotFiles;
  table: string;
}

/**
 * The lesson's transfer learning, offline: LeNet-5 pretrained on Fashion-MNIST (60,000 clothes)
 * learns MNIST digits from a few labelled examples three ways, with the same number of steps —
 * from scratch (random weights); frozen backbone + new head (the pretrained convolutions, with
 * `requiresGrad` off, feed new fully connected layers); full fine-tune (every layer trains, the
 * pretrained ones at a quarter of the head's learning rate, through optimizer parameter groups).
 * Batch norm keeps re-estimating its statistics on the digits in every method (PyTorch's
 * training mode). Prints a table and writes a plot.
 */
export async function transfer(partial: Partial<TransferOptions> = {}): Promise<TransferResult> {
  const options: TransferOptions = { ...TRANSFER_DEFAULTS, ...partial };
  const { log } = options;
  let pretrained = options.pretrained;
  if (pretrained === undefined) {
    log(
      `pretraining LeNet-5 on Fashion-MNIST (${options.pretrainEpochs} epochs) — or pass --pretrained <checkpoint>\n`,
    );
    const run = await train({
      backend: options.backend,
      seed: options.seed,
      data: 'fashion',
      trainSize: options.pretrainSize,
      epochs: options.pretrainEpochs,
      outDir: join(options.outDir, 'pretrained'),
      progress: options.progress,
      log,
    });
    pretrained = run.checkpoint;
    log('');
  }
  const backend = await selectBackend(options.backend, log);
  try {
    const { tensors, metadata } = await loadSafetensors(pretrained, { backend: backend.name });
    const info = infoFromMetadata(metadata, pretrained);
    // the backbone: the convolutional layers (features.*) with their batch norms
    const backbone = new Map([...tensors].filter(([name]) => name.startsWith('features.')));
    const data = loadImageData({ testSize: options.testSize });
    const config = { ...info.config, classes: data.train.numClasses };
    log(`backend: ${backend.description}`);
    log(
      `pretrained: ${pretrained} — ${info.config.net} on ${info.data}, test accuracy ${formatPercent(info.testAccuracy)}; its backbone: ${backbone.size} arrays of features.*`,
    );
    log(
      `target: ${data.source} digits, ${data.test.length} test images; ${options.steps} steps of ${options.batchSize} per run, Adam ${options.lr} (pretrained layers ${options.lr / 4} when fine-tuned), shifts ±${options.shift} px, ${options.repeats} repeats\n`,
    );
    const testLoader = imageLoader(data.test, data.stats, {
      batchSize: 500,
      shuffle: false,
      generator: new Generator(0),
      backend: backend.name,
      layout: 'nchw',
    });
    const cells: TransferCell[] = [];
    const progress = trainingProgress(options.progress, process.stderr, { unit: 'run' });
    const totalRuns = options.labels.length * METHODS.length * options.repeats;
    let runIndex = 0;
    for (const count of options.labels) {
      for (const method of METHODS) {
        const accuracies: number[] = [];
        let seconds = 0;
        for (let r = 0; r < options.repeats; r++) {
          const seed = options.seed + 1000 * r + count;
          const subset = labelledSubset(data.train, count, new Generator(seed));
          const net = buildNet(config, { generator: new Generator(seed + 1), backend: backend.name });
          const pretrainedParams = method === 'scratch' ? [] : net.features.flatMap((m) => m.parameters());
          if (method !== 'scratch') net.loadStateDict(backbone, false); // the head stays new
          if (method === 'frozen') for (const m of net.features) m.freeze(); // requiresGrad off for the backbone
          const head = net.classifier.flatMap((m) => m.parameters());
          const optimizer =
            method === 'finetune'
              ? new Adam(
                  [
                    { params: pretrainedParams, lr: options.lr / 4 },
                    { params: head, lr: options.lr },
                  ],
                  {},
                )
              : new Adam(method === 'frozen' ? head : net.parameters(), { lr: options.lr });
          progress.startEpoch(++runIndex, totalRuns, options.steps);
          const start = performance.now();
          await trainSteps(
            net,
            optimizer,
            batches(subset, options, data.stats, backend.name, seed + 2),
            options.steps,
            progress,
          );
          seconds += (performance.now() - start) / 1000;
          progress.stopEpoch();
          const test = await evaluateClassifier(net, testLoader);
          accuracies.push(test.accuracy);
          optimizer.dispose();
          for (const a of net.stateDict().values()) a.dispose();
        }
        const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
        cells.push({ labels: count, method, accuracies, mean, seconds: seconds / options.repeats });
        log(
          `${String(count).padStart(5)} labels, ${METHOD_NAMES[method].padEnd(27)} ${formatPercent(mean)}  (${accuracies.map(formatPercent).join(', ')}; ${formatSeconds((seconds / options.repeats) * 1000)} per run)`,
        );
      }
    }
    for (const a of tensors.values()) a.dispose();
    const table = formatTable(cells, options.labels);
    log(`\ntest accuracy on ${data.test.length} MNIST digits (mean of ${options.repeats})\n`);
    log(table);
    const fewest = Math.min(...options.labels);
    const at = (m: Method) => cells.find((c) => c.labels === fewest && c.method === m)!.mean;
    const gainAtFewest = (Math.max(at('frozen'), at('finetune')) - at('scratch')) * 100;
    const signed = `${gainAtFewest >= 0 ? '+' : '−'}${Math.abs(gainAtFewest).toFixed(1)}`;
    log(
      `\nat ${fewest} labels: the better transfer method minus from scratch = ${signed} points (${gainAtFewest >= 0 ? 'transfer helps' : 'training from scratch wins'})`,
    );
    const plot = await writePlot(
      transferSpec(cells, `LeNet-5: MNIST digits from few labels, pretrained on ${info.data}`),
      options.outDir,
      'transfer',
    );
    await mkdir(options.outDir, { recursive: true });
    const json = join(options.outDir, 'transfer.json');
    await writeFile(
      json,
      `${JSON.stringify({ pretrained, options: { ...options, log: undefined }, cells }, null, 1)}\n`,
    );
    log(`\nwrote\n  ${plot.png}\n  ${plot.svg}\n  ${json}`);
    return {
      backend: backend.name,
      pretrained,
      pretrainedAccuracy: info.testAccuracy,
      cells,
      gainAtFewest,
      plot,
      table,
    };
  } finally {
    backend.release();
  }
}

/** `count` training images, as balanced across the classes as the count allows, drawn by `generator`. */
export function labelledSubset(dataset: ImageDataset, count: number, generator: Generator): ImageDataset {
  const order = permutation(dataset.length, generator);
  const perClass = new Array<number>(dataset.numClasses).fill(0);
  const quota = (c: number) =>
    Math.floor(count / dataset.numClasses) + (c < count % dataset.numClasses ? 1 : 0);
  const picked: number[] = [];
  for (const i of order) {
    const label = dataset.labels[i]!;
    if (perClass[label]! < quota(label)) {
      perClass[label]!++;
      picked.push(i);
      if (picked.length === count) break;
    }
  }
  return dataset.subset(picked, `${dataset.name} (${count} labelled)`);
}

// Mini-batches of the labelled images, reshuffled and shifted anew on every pass.
function batches(
  subset: ImageDataset,
  options: Pick<TransferOptions, 'batchSize' | 'shift'>,
  stats: { mean: number; std: number },
  backend: string,
  seed: number,
): BatchSource {
  const generator = new Generator(seed);
  const batchSize = Math.min(options.batchSize, subset.length);
  let pass: Iterator<{ images: NDArray; labels: NDArray }> | null = null;
  return () => {
    for (;;) {
      if (pass === null) {
        const images = options.shift > 0 ? randomShift(subset, options.shift, generator) : subset;
        const loader = imageLoader(images, stats, {
          batchSize,
          shuffle: true,
          generator,
          backend,
          layout: 'nchw',
        });
        pass = loader[Symbol.iterator]();
      }
      const next = pass.next();
      if (!next.done && next.value.labels.shape[0] === batchSize) return next.value;
      if (!next.done) for (const a of [next.value.images, next.value.labels]) a.dispose();
      pass = null; // a short last batch is dropped: every step sees a full batch
    }
  };
}

function formatTable(cells: readonly TransferCell[], counts: readonly number[]): string {
  const header = ['labels', ...METHODS.map((m) => METHOD_NAMES[m])];
  const rows = counts.map((n) => [
    String(n),
    ...METHODS.map((m) => {
      const c = cells.find((x) => x.labels === n && x.method === m)!;
      const spread = (Math.max(...c.accuracies) - Math.min(...c.accuracies)) * 100;
      return `${formatPercent(c.mean)} (±${(spread / 2).toFixed(1)})`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].map((l) => l.trimEnd()).join('\n');
}
