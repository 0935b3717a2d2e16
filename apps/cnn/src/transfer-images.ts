import { join } from 'node:path';
import { Generator, type NDArray } from '@mlblocks/core-tensor';
import { arrayDataset, DataLoader, permutation } from '@mlblocks/datasets';
import { BatchNorm2d, type Module } from '@mlblocks/nn-layers';
import { loadTorchvisionState, type ResNet, resnet18 } from '@mlblocks/nn-layers/models';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { Adam } from '@mlblocks/optim';
import {
  type BackendChoice,
  evaluateClassifier,
  formatPercent,
  formatSeconds,
  type PlotFiles,
  selectBackend,
  trainingProgress,
  writePlot,
} from 'lesson-kit';
import { type BatchSource, METHOD_NAMES, METHODS, type Method, trainSteps } from './fine-tune.js';
import { type ImageFolder, readImageFolder } from './image-folder.js';
import { transferSpec } from './transfer-plot.js';

/** What `transfer --weights … --images …` needs. */
export interface ImageTransferOptions {
  backend: BackendChoice;
  seed: number;
  /** torchvision ResNet-18 weights as safetensors (ImageNet's; see the nn-layers README). */
  weights: string;
  /** A folder with one subfolder of PNG/JPEG images per class. */
  images: string;
  /** Side of the (center-cropped) images: 224 as in ImageNet, smaller to go faster. */
  imageSize: number;
  /** Share of each class held out for testing. */
  testFraction: number;
  steps: number;
  batchSize: number;
  /** Adam's learning rate of the new head (and from scratch); pretrained layers fine-tune at a tenth of it. */
  lr: number;
  methods: readonly Method[];
  outDir: string;
  progress: boolean | 'auto';
  log: (line: string) => void;
}

/** One method's result on the folder. */
export interface ImageTransferCell {
  labels: number;
  method: Method;
  accuracies: number[];
  mean: number;
  seconds: number;
}

/**
 * Transfer learning from ImageNet: a torchvision ResNet-18 (weights converted to safetensors by
 * the user) learns the classes of a folder of images — from scratch (same architecture, random
 * weights), frozen backbone + new `fc` (only the head trains; every batch norm keeps ImageNet's
 * statistics), and full fine-tune (every layer, the pretrained ones at a tenth of the head's
 * learning rate; batch norms keep ImageNet's statistics, as usual with small batches) — with the
 * same number of steps. The width and classes of the weight file are read from it, so any
 * torchvision-named ResNet-18 state dict works.
 */
export async function transferImages(
  options: ImageTransferOptions,
): Promise<{ cells: ImageTransferCell[]; plot: PlotFiles; classNames: string[] }> {
  const { log } = options;
  const backend = await selectBackend(options.backend, log);
  try {
    const { tensors } = await loadSafetensors(options.weights, { backend: backend.name });
    const stem = tensors.get('conv1.weight');
    const fc = tensors.get('fc.weight');
    if (!stem || !fc) {
      throw new Error(
        `${options.weights} is not a torchvision ResNet state dict (no conv1.weight or fc.weight)`,
      );
    }
    const fileConfig = { width: stem.shape[0]!, inChannels: stem.shape[1]!, numClasses: fc.shape[0]! };
    const folder = await readImageFolder(options.images, options.imageSize);
    const { train, test } = split(folder, options.testFraction, new Generator(options.seed));
    log(`backend: ${backend.description}`);
    log(
      `weights: ${options.weights} — ResNet-18, width ${fileConfig.width}, ${fileConfig.numClasses} classes (${tensors.size} arrays by torchvision's names)`,
    );
    log(
      `images: ${options.images} — ${folder.classNames.length} classes (${folder.classNames.join(', ')}), ${train.length} training and ${test.length} test images at ${options.imageSize}×${options.imageSize}`,
    );
    log(
      `${options.steps} steps of ${options.batchSize} images per method, Adam ${options.lr} (pretrained layers ${options.lr / 10})\n`,
    );
    const dataset = (indices: Int32Array) =>
      arrayDataset(`${options.images}`, {
        images: {
          data: pick(folder.images, 3 * folder.size * folder.size, indices),
          shape: [3, folder.size, folder.size],
        },
        labels: { data: Uint8Array.from(indices, (i) => folder.labels[i]!), shape: [] },
      });
    const trainSet = dataset(train);
    const testLoader = new DataLoader(dataset(test), { batchSize: 16, backend: backend.name }) as DataLoader<
      'images' | 'labels'
    >;
    const progress = trainingProgress(options.progress, process.stderr, { unit: 'run' });
    const cells: ImageTransferCell[] = [];
    for (const [i, method] of options.methods.entries()) {
      const net = resnet18({
        ...fileConfig,
        generator: new Generator(options.seed + 1),
        backend: backend.name,
      });
      if (method !== 'scratch') loadTorchvisionState(net, tensors);
      const pretrained = method === 'scratch' ? [] : net.parameters();
      if (method === 'frozen') net.freeze(); // requiresGrad off for every pretrained layer
      const head = net.resetClassifier(folder.classNames.length, {
        generator: new Generator(options.seed + 2),
        backend: backend.name,
      });
      const optimizer =
        method === 'finetune'
          ? new Adam(
              [
                { params: pretrained, lr: options.lr / 10 },
                { params: head.parameters(), lr: options.lr },
              ],
              {},
            )
          : new Adam(method === 'frozen' ? head.parameters() : net.parameters(), { lr: options.lr });
      const keepStatistics = (m: Module) => {
        m.train();
        if (method !== 'scratch')
          for (const bn of (m as ResNet).namedModules().values()) if (bn instanceof BatchNorm2d) bn.eval();
      };
      progress.startEpoch(i + 1, options.methods.length, options.steps);
      const start = performance.now();
      await trainSteps(
        net,
        optimizer,
        batches(trainSet, options, backend.name),
        options.steps,
        progress,
        keepStatistics,
      );
      const seconds = (performance.now() - start) / 1000;
      progress.stopEpoch();
      const result = await evaluateClassifier(net, testLoader);
      cells.push({
        labels: train.length,
        method,
        accuracies: [result.accuracy],
        mean: result.accuracy,
        seconds,
      });
      log(
        `${METHOD_NAMES[method].padEnd(27)} ${formatPercent(result.accuracy)} on ${test.length} test images (${formatSeconds(seconds * 1000)} of training)`,
      );
      optimizer.dispose();
      for (const a of net.stateDict().values()) a.dispose();
    }
    for (const a of tensors.values()) a.dispose();
    const plot = await writePlot(
      transferSpec(
        cells,
        `ResNet-18 from ImageNet on ${folder.classNames.length} classes of ${options.images}`,
      ),
      options.outDir,
      'transfer-images',
    );
    log(`\nwrote\n  ${plot.png}\n  ${plot.svg}`);
    return { cells, plot, classNames: folder.classNames };
  } finally {
    backend.release();
  }
}

/** Every class split into test (`fraction`, at least one image) and train (the rest, at least one). */
function split(
  folder: ImageFolder,
  fraction: number,
  generator: Generator,
): { train: Int32Array; test: Int32Array } {
  const order = permutation(folder.labels.length, generator);
  const train: number[] = [];
  const test: number[] = [];
  folder.classNames.forEach((name, c) => {
    const members = [...order].filter((i) => folder.labels[i] === c);
    if (members.length < 2)
      throw new Error(`class '${name}' needs at least 2 images (one to train, one to test)`);
    const held = Math.min(members.length - 1, Math.max(1, Math.round(members.length * fraction)));
    test.push(...members.slice(0, held));
    train.push(...members.slice(held));
  });
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

function pick(values: Float32Array, size: number, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * size);
  for (const [k, i] of indices.entries()) out.set(values.subarray(i * size, (i + 1) * size), k * size);
  return out;
}

// Shuffled mini-batches of the training images, pass after pass (a short last batch is dropped).
function batches(
  dataset: ReturnType<typeof arrayDataset<'images' | 'labels'>>,
  options: Pick<ImageTransferOptions, 'batchSize' | 'seed'>,
  backend: string,
): BatchSource {
  const batchSize = Math.min(options.batchSize, dataset.length);
  const loader = new DataLoader(dataset, {
    batchSize,
    shuffle: true,
    dropLast: true,
    generator: new Generator(options.seed + 3),
    backend,
  });
  let pass: Iterator<{
    images: NDArray;
    labels: NDArray;
  }> | null = null;
  return () => {
    for (;;) {
      pass ??= loader[Symbol.iterator]();
      const next = pass.next();
      if (!next.done) return next.value;
      pass = null;
    }
  };
}

export const IMAGE_TRANSFER_DEFAULTS = {
  imageSize: 224,
  testFraction: 0.2,
  steps: 50,
  batchSize: 16,
  lr: 1e-3,
  methods: METHODS,
  outDir: join('out', 'cnn', 'transfer'),
};
