import { join } from 'node:path';
import { Generator } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, summary } from '@mlblocks/nn-layers';
import { Adam, CosineAnnealingLR, type Optimizer, SGD } from '@mlblocks/optim';
import type { History } from 'lesson-kit';
import {
  confusionMatrix,
  evaluateClassifier,
  formatConfusionMatrix,
  formatSeconds,
  imageLoader,
  loadImageData,
  type PlotFiles,
  selectBackend,
  trainingProgress,
} from 'lesson-kit';
import { randomShift } from './augment.js';
import { metadataOf, saveModel } from './checkpoint.js';
import { buildMlp, describeMlp, type MlpShape } from './model.js';
import { DEFAULTS, defaultLearningRate, type TrainOptions } from './options.js';
import { writePlots } from './plots.js';
import { trainEpoch } from './train-epoch.js';

/** What a training run returns (and prints). */
export interface TrainResult {
  backend: string;
  model: string;
  testAccuracy: number;
  testLoss: number;
  /** Mean seconds per training epoch (forward, backward, step; evaluation excluded). */
  secondsPerEpoch: number;
  history: History;
  confusion: number[][];
  checkpoint: string;
  plots: Record<'learningCurve' | 'confusionMatrix', PlotFiles>;
}

/**
 * Trains the MLP: picks the backend, loads the data, prints `summary()`, runs the epochs with a
 * progress bar, evaluates on the test split after each, then writes the plots and a safetensors
 * checkpoint into `outDir`.
 */
export async function train(partial: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const options: TrainOptions = { ...DEFAULTS, ...partial };
  const { log } = options;
  const backend = await selectBackend(options.backend, log);
  try {
    const data = loadImageData(options);
    const shape: MlpShape = {
      inputs: data.train.height * data.train.width,
      hidden: options.hidden,
      layers: options.layers,
      activation: options.activation,
      classes: data.train.numClasses,
    };
    const generator = new Generator(options.seed);
    const model = buildMlp(shape, { generator, backend: backend.name });
    const lr = options.lr ?? defaultLearningRate(options.optimizer);
    const optimizer: Optimizer =
      options.optimizer === 'adam'
        ? new Adam(model.parameters(), { lr })
        : new SGD(model.parameters(), { lr, momentum: options.momentum });
    const lossFn = new CrossEntropyLoss();

    log(`backend: ${backend.description}`);
    log(`data: ${data.source} — ${data.train.length} training and ${data.test.length} test images`);
    log(
      `model: ${describeMlp(shape)}; ${options.optimizer === 'adam' ? 'Adam' : `SGD (momentum ${options.momentum})`}, lr ${lr}${options.schedule === 'cosine' ? ' with cosine decay' : ''}, batch ${options.batchSize}, ${options.epochs} epoch${options.epochs === 1 ? '' : 's'}, ${options.augment > 0 ? `random shifts ±${options.augment} px` : 'no augmentation'}, seed ${options.seed}\n`,
    );
    log(summary(model, [options.batchSize, shape.inputs]).toString());
    log('');

    // one generator for the weights (above), one for the order of the batches, one for augmentation
    const shuffling = new Generator(options.seed + 1);
    const shifting = new Generator(options.seed + 2);
    const trainLoader = (epochData: typeof data.train) =>
      imageLoader(epochData, data.stats, {
        batchSize: options.batchSize,
        shuffle: true,
        generator: shuffling,
        backend: backend.name,
      });
    const testLoader = imageLoader(data.test, data.stats, {
      batchSize: 500,
      shuffle: false,
      generator: shuffling,
      backend: backend.name,
    });
    const batchesPerEpoch = Math.ceil(data.train.length / options.batchSize);
    const scheduler =
      options.schedule === 'cosine'
        ? new CosineAnnealingLR(optimizer, { tMax: options.epochs * batchesPerEpoch })
        : null;
    const history: History = { epochs: [], batchLosses: [], batchesPerEpoch };
    let last = await evaluateClassifier(model, testLoader);
    history.epochs.push({
      epoch: 0,
      trainLoss: null,
      trainAccuracy: null,
      testLoss: last.loss,
      testAccuracy: last.accuracy,
      trainSeconds: 0,
    });
    log(`epoch 0 (untrained): test loss ${last.loss.toFixed(4)}, test accuracy ${pct(last.accuracy)}`);

    const progress = trainingProgress(options.progress);
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      progress.startEpoch(epoch, options.epochs, batchesPerEpoch);
      const start = performance.now();
      const epochData = options.augment > 0 ? randomShift(data.train, options.augment, shifting) : data.train;
      const stats = await trainEpoch(model, lossFn, optimizer, scheduler, trainLoader(epochData), progress);
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

    const confusion = confusionMatrix(last.labels, last.predictions, shape.classes);
    log(`\ntest confusion matrix (rows: true class, columns: predicted)\n`);
    log(formatConfusionMatrix(confusion, data.test.classNames));

    const title = `MLP ${describeMlp(shape)} on ${data.source}`;
    const plots = await writePlots(options.outDir, history, confusion, data.test.classNames, title);
    const checkpoint = join(options.outDir, 'model.safetensors');
    await saveModel(model, checkpoint, metadataOf(shape, data, last.accuracy));
    optimizer.dispose();

    const trained = history.epochs.filter((e) => e.epoch > 0);
    const secondsPerEpoch = trained.reduce((s, e) => s + e.trainSeconds, 0) / Math.max(1, trained.length);
    log(
      `\ntest accuracy ${pct(last.accuracy)} (${data.test.length} images), ${secondsPerEpoch.toFixed(2)} s per epoch on ${backend.name}`,
    );
    log(`\nwrote\n  ${plots.learningCurve.png}\n  ${plots.learningCurve.svg}`);
    log(`  ${plots.confusionMatrix.png}\n  ${plots.confusionMatrix.svg}\n  ${checkpoint}`);
    return {
      backend: backend.name,
      model: describeMlp(shape),
      testAccuracy: last.accuracy,
      testLoss: last.loss,
      secondsPerEpoch,
      history,
      confusion,
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
