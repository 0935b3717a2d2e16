import { join } from 'node:path';
import { Generator } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, summary } from '@mlblocks/nn-layers';
import { saveSafetensors } from '@mlblocks/nn-layers/node';
import { Adam, CosineAnnealingLR, type Optimizer, SGD } from '@mlblocks/optim';
import {
  type History,
  imageLoader,
  loadImageData,
  type PlotFiles,
  randomShift,
  reportConfusionMatrix,
  reportResult,
  selectBackend,
  trainClassifier,
  writeClassifierPlots,
} from 'lesson-kit';
import { metadataOf } from './checkpoint.js';
import { buildMlp, describeMlp, type MlpShape } from './model.js';
import { DEFAULTS, defaultLearningRate, type TrainOptions } from './options.js';
import { trainingStep } from './step.js';

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
    // every epoch, the training images shifted anew by up to `augment` pixels (data augmentation)
    const epochImages = () =>
      options.augment > 0 ? randomShift(data.train, options.augment, shifting) : data.train;
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
    // the epochs: the lesson's step (src/step.ts) on every mini-batch, with an evaluation on the
    // test split before training and after every epoch
    const { history, test, secondsPerEpoch } = await trainClassifier(options, {
      model,
      step: trainingStep(model, lossFn, optimizer),
      trainLoader: () => trainLoader(epochImages()),
      batchesPerEpoch,
      testLoader,
      scheduler,
      initialState: 'untrained',
    });
    const confusion = reportConfusionMatrix(log, test, data.test.classNames);

    const title = `MLP ${describeMlp(shape)} on ${data.source}`;
    const plots = await writeClassifierPlots(options.outDir, title, history, confusion, data.test.classNames);
    const checkpoint = join(options.outDir, 'model.safetensors');
    await saveSafetensors(checkpoint, model.stateDict(), metadataOf(shape, data, test.accuracy));
    optimizer.dispose();

    reportResult(log, { test, secondsPerEpoch, backend: backend.name }, [
      plots.learningCurve,
      plots.confusionMatrix,
      checkpoint,
    ]);
    return {
      backend: backend.name,
      model: describeMlp(shape),
      testAccuracy: test.accuracy,
      testLoss: test.loss,
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
