import { join } from 'node:path';
import { noGrad } from '@mlblocks/autograd';
import { Generator } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, Linear } from '@mlblocks/nn-layers';
import { saveSafetensors } from '@mlblocks/nn-layers/node';
import { CosineAnnealingLR, SGD } from '@mlblocks/optim';
import {
  type History,
  imageLoader,
  loadImageData,
  type PlotFiles,
  reportConfusionMatrix,
  reportResult,
  selectBackend,
  trainClassifier,
} from 'lesson-kit';
import { DEFAULTS, type TrainOptions } from './options.js';
import { type PlotName, writePlots } from './plots.js';
import { sgdStep } from './step.js';

/** What a training run returns (and prints). */
export interface TrainResult {
  backend: string;
  testAccuracy: number;
  testLoss: number;
  secondsPerEpoch: number;
  history: History;
  confusion: number[][];
  /** W, `[classes, pixels]`, row-major. */
  weights: Float32Array;
  checkpoint: string;
  plots: Record<PlotName, PlotFiles>;
}

/**
 * Softmax regression: the linear classifier h(x) = Wx + b (one `Linear` layer, 784 → 10) trained
 * with mini-batch SGD on the cross-entropy of softmax(h(x)). Evaluates on the test split after
 * every epoch, then prints the confusion matrix and writes the plots and the weights.
 */
export async function train(partial: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const options: TrainOptions = { ...DEFAULTS, ...partial };
  const { log } = options;
  const backend = await selectBackend(options.backend, log);
  try {
    const data = loadImageData(options);
    const pixels = data.train.height * data.train.width;
    const classes = data.train.numClasses;
    // h(x) = Wx + b: W is [classes, pixels], b is [classes]
    const model = new Linear(pixels, classes, {
      generator: new Generator(options.seed),
      backend: backend.name,
    });
    // the loss is convex in W and b: start from W = 0, b = 0 (every class scores 0, p = 1/10)
    noGrad(() => {
      model.weight.assign(0);
      model.bias!.assign(0);
    });
    const optimizer = new SGD(model.parameters(), {
      lr: options.lr,
      momentum: options.momentum,
      weightDecay: options.weightDecay,
    });
    const lossFn = new CrossEntropyLoss();

    log(`backend: ${backend.description}`);
    log(`data: ${data.source} — ${data.train.length} training and ${data.test.length} test images`);
    log(
      `model: softmax regression h(x) = Wx + b, W ${classes}×${pixels} (${model.parameterCount().toLocaleString('en-US')} parameters)`,
    );
    log(
      `mini-batch SGD: lr ${options.lr}${options.schedule === 'cosine' ? ' with cosine decay to 0' : ''}, batch ${options.batchSize}${options.momentum ? `, momentum ${options.momentum}` : ''}${options.weightDecay ? `, weight decay ${options.weightDecay}` : ''}, ${options.epochs} epochs, seed ${options.seed}\n`,
    );

    const trainLoader = imageLoader(data.train, null, {
      batchSize: options.batchSize,
      shuffle: true,
      generator: new Generator(options.seed + 1),
      backend: backend.name,
    });
    const testLoader = imageLoader(data.test, null, {
      batchSize: 1000,
      shuffle: false,
      generator: new Generator(0),
      backend: backend.name,
    });
    const scheduler =
      options.schedule === 'cosine'
        ? new CosineAnnealingLR(optimizer, { tMax: options.epochs * trainLoader.length })
        : null;
    // the epochs of mini-batch SGD (src/step.ts), with an evaluation on the test split before
    // training and after every epoch
    const { history, test, secondsPerEpoch } = await trainClassifier(options, {
      model,
      step: sgdStep(model, lossFn, optimizer),
      trainLoader: () => trainLoader,
      batchesPerEpoch: trainLoader.length,
      testLoader,
      scheduler,
      initialState: 'W = 0, b = 0',
    });
    const confusion = reportConfusionMatrix(log, test, data.test.classNames);

    const weightsCpu = await model.weight.array.toAsync('cpu');
    const biasCpu = await model.bias!.array.toAsync('cpu');
    const weights = weightsCpu.dataSync() as Float32Array;
    const title = `Softmax regression on ${data.source}`;
    const plots = await writePlots(options.outDir, title, history, confusion, weights, data.test);
    const checkpoint = join(options.outDir, 'linear-classifier.safetensors');
    await saveSafetensors(
      checkpoint,
      new Map([
        ['weight', weightsCpu],
        ['bias', biasCpu],
      ]),
      {
        format: 'mlblocks/linear-classifier',
        data: data.source,
        pixels: 'x / 255',
        classNames: JSON.stringify(data.test.classNames),
        testAccuracy: String(test.accuracy),
      },
    );
    weightsCpu.dispose();
    biasCpu.dispose();
    optimizer.dispose();

    reportResult(log, { test, secondsPerEpoch, backend: backend.name }, [
      ...Object.values(plots),
      checkpoint,
    ]);
    return {
      backend: backend.name,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      secondsPerEpoch,
      history,
      confusion,
      weights,
      checkpoint,
      plots,
    };
  } finally {
    backend.release();
  }
}
