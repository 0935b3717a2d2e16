import { join } from 'node:path';
import { fromArray, Generator, tidy } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, summary } from '@mlblocks/nn-layers';
import { saveSafetensors } from '@mlblocks/nn-layers/node';
import { Adam, CosineAnnealingLR } from '@mlblocks/optim';
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
import { buildNet, describeNet, type NetConfig } from './net.js';
import { TRAIN_DEFAULTS, type TrainOptions } from './options.js';
import { trainingStep } from './step.js';
import { writeFilterAndFeaturePlots } from './visualize.js';

/** What a training run returns (and prints). */
export interface TrainResult {
  backend: string;
  net: string;
  parameters: number;
  testAccuracy: number;
  testLoss: number;
  /** Mean seconds per training epoch (forward, backward, step; evaluation excluded). */
  secondsPerEpoch: number;
  history: History;
  confusion: number[][];
  checkpoint: string;
  plots: Record<'learningCurve' | 'confusionMatrix' | 'filters', PlotFiles> & { featureMaps: PlotFiles[] };
}

/**
 * Trains the lesson's CNN: picks the backend, loads the data as `[batch, 1, 28, 28]` images, prints
 * `summary()`, runs the epochs with a progress bar (random shifts, and mirroring for clothes,
 * drawn anew every epoch), evaluates on the test split after each, then writes the learning
 * curves, the confusion matrix, the first layer's filters, one test image's feature maps and a
 * safetensors checkpoint into `outDir`.
 */
export async function train(partial: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const options: TrainOptions = { ...TRAIN_DEFAULTS, ...partial };
  const { log } = options;
  const backend = await selectBackend(options.backend, log);
  try {
    const data = loadImageData(options);
    const fashion = data.source === 'Fashion-MNIST';
    const flip = options.flip ?? fashion;
    const shift = options.shift ?? (fashion ? 1 : 2);
    const config: NetConfig = {
      net: options.net,
      classes: data.train.numClasses,
      inputSize: data.train.height,
    };
    const generator = new Generator(options.seed);
    const net = buildNet(config, { generator, backend: backend.name });
    const optimizer = new Adam(net.parameters(), { lr: options.lr });
    const lossFn = new CrossEntropyLoss();

    const augmentation =
      shift > 0 || flip
        ? [shift > 0 ? `random shifts ±${shift} px` : '', flip ? 'left-right mirroring' : '']
            .filter(Boolean)
            .join(' and ')
        : 'no augmentation';
    log(`backend: ${backend.description}`);
    log(`data: ${data.source} — ${data.train.length} training and ${data.test.length} test images`);
    log(
      `model: ${describeNet(options.net)}; Adam, lr ${options.lr}${options.schedule === 'cosine' ? ' with cosine decay' : ''}, batch ${options.batchSize}, ${options.epochs} epoch${options.epochs === 1 ? '' : 's'}, ${augmentation}, seed ${options.seed}\n`,
    );
    log(summary(net, [options.batchSize, 1, config.inputSize, config.inputSize]).toString());
    log('');

    // one generator for the weights (above), one for the order of the batches, one for augmentation
    const shuffling = new Generator(options.seed + 1);
    const augmenting = new Generator(options.seed + 2);
    const loader = (dataset: typeof data.train, batchSize: number, shuffle: boolean) =>
      imageLoader(dataset, data.stats, {
        batchSize,
        shuffle,
        generator: shuffling,
        backend: backend.name,
        layout: 'nchw',
      });
    const epochImages = () =>
      shift > 0 || flip ? randomShift(data.train, shift, augmenting, { flip }) : data.train;
    const testLoader = loader(data.test, 500, false);
    const batchesPerEpoch = Math.ceil(data.train.length / options.batchSize);
    const scheduler =
      options.schedule === 'cosine'
        ? new CosineAnnealingLR(optimizer, { tMax: options.epochs * batchesPerEpoch })
        : null;
    const { history, test, secondsPerEpoch } = await trainClassifier(options, {
      model: net,
      step: trainingStep(net, lossFn, optimizer),
      trainLoader: () => loader(epochImages(), options.batchSize, true),
      batchesPerEpoch,
      testLoader,
      scheduler,
      initialState: 'untrained',
    });
    const confusion = reportConfusionMatrix(log, test, data.test.classNames);

    const title = `${describeNet(options.net)} on ${data.source}`;
    const plots = await writeClassifierPlots(options.outDir, title, history, confusion, data.test.classNames);
    // the first test image the network classifies correctly: its input and feature maps
    let shown = 0;
    while (shown < test.labels.length - 1 && test.predictions[shown] !== test.labels[shown]) shown++;
    const pixels = data.test.image(shown);
    const image = tidy(() =>
      fromArray(pixels, { shape: [1, 1, config.inputSize, config.inputSize], backend: backend.name })
        .cast('float32')
        .mul(1 / 255)
        .sub(data.stats.mean)
        .div(data.stats.std),
    );
    const caption = `test image ${shown} (${data.test.classNames[test.labels[shown]!]})`;
    const pictures = await writeFilterAndFeaturePlots(options.outDir, net, image, pixels, caption);
    image.dispose();
    const checkpoint = join(options.outDir, 'model.safetensors');
    await saveSafetensors(
      checkpoint,
      net.stateDict(),
      metadataOf({
        config,
        classNames: [...data.test.classNames],
        stats: data.stats,
        data: data.source,
        testAccuracy: test.accuracy,
      }),
    );
    optimizer.dispose();

    reportResult(log, { test, secondsPerEpoch, backend: backend.name }, [
      plots.learningCurve,
      plots.confusionMatrix,
      pictures.filters,
      ...pictures.featureMaps,
      checkpoint,
    ]);
    return {
      backend: backend.name,
      net: describeNet(options.net),
      parameters: net.parameterCount(),
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      secondsPerEpoch,
      history,
      confusion,
      checkpoint,
      plots: { ...plots, ...pictures },
    };
  } finally {
    backend.release();
  }
}
