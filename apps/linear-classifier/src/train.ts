import { join } from 'node:path';
import { noGrad } from '@mlblocks/autograd';
import { Generator } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, Linear } from '@mlblocks/nn-layers';
import { saveSafetensors } from '@mlblocks/nn-layers/node';
import { CosineAnnealingLR, SGD } from '@mlblocks/optim';
import {
  confusionMatrix,
  evaluateClassifier,
  formatConfusionMatrix,
  formatSeconds,
  type History,
  imageLoader,
  loadImageData,
  type PlotFiles,
  selectBackend,
  trainingProgress,
} from 'lesson-kit';
import { DEFAULTS, type TrainOptions } from './options.js';
import { type PlotName, writePlots } from './plots.js';
import { trainEpoch } from './train-epoch.js';

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
    const history: History = { epochs: [], batchLosses: [], batchesPerEpoch: trainLoader.length };
    const scheduler =
      options.schedule === 'cosine'
        ? new CosineAnnealingLR(optimizer, { tMax: options.epochs * trainLoader.length })
        : null;
    let last = await evaluateClassifier(model, testLoader);
    history.epochs.push({
      epoch: 0,
      trainLoss: null,
      trainAccuracy: null,
      testLoss: last.loss,
      testAccuracy: last.accuracy,
      trainSeconds: 0,
    });
    log(`epoch 0 (W = 0, b = 0): test loss ${last.loss.toFixed(4)}, test accuracy ${pct(last.accuracy)}`);

    const progress = trainingProgress(options.progress);
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      progress.startEpoch(epoch, options.epochs, trainLoader.length);
      const start = performance.now();
      const stats = await trainEpoch(model, lossFn, optimizer, scheduler, trainLoader, progress);
      const elapsed = performance.now() - start;
      progress.stopEpoch();
      last = await evaluateClassifier(model, testLoader);
      history.batchLosses.push(...stats.batchLosses);
      history.epochs.push({
        epoch,
        trainLoss: stats.loss,
        trainAccuracy: stats.accuracy,
        testLoss: last.loss,
        testAccuracy: last.accuracy,
        trainSeconds: elapsed / 1000,
      });
      log(
        `epoch ${epoch}: train loss ${stats.loss.toFixed(4)}, train accuracy ${pct(stats.accuracy)} | test loss ${last.loss.toFixed(4)}, test accuracy ${pct(last.accuracy)} | ${formatSeconds(elapsed)}`,
      );
    }

    const confusion = confusionMatrix(last.labels, last.predictions, classes);
    log('\ntest confusion matrix (rows: true class, columns: predicted)\n');
    log(formatConfusionMatrix(confusion, data.test.classNames));

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
        testAccuracy: String(last.accuracy),
      },
    );
    weightsCpu.dispose();
    biasCpu.dispose();
    optimizer.dispose();

    const trained = history.epochs.filter((e) => e.epoch > 0);
    const secondsPerEpoch = trained.reduce((s, e) => s + e.trainSeconds, 0) / Math.max(1, trained.length);
    log(
      `\ntest accuracy ${pct(last.accuracy)} (${data.test.length} images), ${secondsPerEpoch.toFixed(2)} s per epoch on ${backend.name}`,
    );
    log('\nwrote');
    for (const files of Object.values(plots)) log(`  ${files.png}\n  ${files.svg}`);
    log(`  ${checkpoint}`);
    return {
      backend: backend.name,
      testAccuracy: last.accuracy,
      testLoss: last.loss,
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

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
