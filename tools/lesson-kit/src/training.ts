import type { Tensor } from '@mlblocks/autograd';
import { dispose, type NDArray, tidy } from '@mlblocks/core-tensor';
import type { DataLoader } from '@mlblocks/datasets';
import type { Module } from '@mlblocks/nn-layers';
import { formatPercent, formatSeconds, type RunOptions } from './cli.js';
import { type Evaluation, evaluateClassifier } from './evaluate.js';
import type { History } from './history.js';
import { type TrainingProgress, trainingProgress } from './progress.js';

/** Batches of flattened images and their labels. */
export type ImageLoader = DataLoader<'images' | 'labels'>;

/**
 * The lesson's training step on one mini-batch, as the app writes it out (forward, loss, backward,
 * step, zero the gradients). Runs inside a `tidy` scope; returns the batch's mean loss and the
 * network's outputs (logits, `[batch, classes]`) so the epoch loop can count correct predictions.
 */
export type TrainingStep = (images: NDArray, labels: NDArray) => { loss: Tensor; logits: Tensor };

/** What one epoch of training measured. */
export interface EpochStats {
  /** Mean loss over the epoch's batches (weighted by batch size). */
  loss: number;
  /** Fraction of training images classified correctly while training. */
  accuracy: number;
  /** Loss of every batch, in order (for the learning curve). */
  batchLosses: number[];
}

/**
 * One pass over `loader`: for every mini-batch, the lesson's `step`, then the learning-rate
 * scheduler, one asynchronous readback of the loss and the count of correct predictions (so GPU
 * backends work the same way), and the progress bar.
 */
export async function trainClassifierEpoch(
  loader: ImageLoader,
  step: TrainingStep,
  options: { scheduler?: { step(): void } | null; progress: TrainingProgress },
): Promise<EpochStats> {
  const batchLosses: number[] = [];
  let seen = 0;
  let lossSum = 0;
  let correctSum = 0;
  for (const { images, labels } of loader) {
    const out = tidy(() => {
      const { loss, logits } = step(images, labels);
      const correct = logits.array.argmax(-1).eq(labels).cast('int32').sum();
      return { loss, correct };
    });
    options.scheduler?.step(); // the learning rate for the next step (cosine decay counts steps)
    const [loss, correct] = await Promise.all([out.loss.itemAsync(), out.correct.data()]);
    const batch = labels.shape[0]!;
    dispose([out, images, labels]);
    batchLosses.push(loss);
    seen += batch;
    lossSum += loss * batch;
    correctSum += correct[0]!;
    options.progress.update(batchLosses.length, { loss: lossSum / seen, accuracy: correctSum / seen });
  }
  return { loss: lossSum / seen, accuracy: correctSum / seen, batchLosses };
}

/** A classifier's training run: the model, the lesson's step, the data and the schedule. */
export interface ClassifierTraining {
  model: Module;
  step: TrainingStep;
  /**
   * The training batches of epoch `epoch` (1, 2, …); called inside the timed part of the epoch,
   * so a new loader per epoch (e.g. over augmented images) counts as training time.
   */
  trainLoader: (epoch: number) => ImageLoader;
  batchesPerEpoch: number;
  testLoader: ImageLoader;
  scheduler?: { step(): void } | null;
  /** What the model is at epoch 0, in the first log line: e.g. "untrained", "W = 0, b = 0". */
  initialState: string;
}

/** What a training run measured: the history, the last test evaluation, seconds per epoch. */
export interface ClassifierRun {
  history: History;
  test: Evaluation;
  /** Mean seconds per training epoch (forward, backward, step; evaluation excluded). */
  secondsPerEpoch: number;
}

/**
 * The bookkeeping around the lesson's step: evaluates the model on the test split before training
 * (epoch 0) and after every epoch, runs `options.epochs` epochs with a progress bar
 * (`options.progress`) and a clock, logs one line per epoch (`options.log`) and keeps the learning
 * history. `options` may be the app's whole run options.
 */
export async function trainClassifier(
  options: { epochs: number } & Pick<RunOptions, 'progress' | 'log'>,
  run: ClassifierTraining,
): Promise<ClassifierRun> {
  const { epochs, log } = options;
  const { model, batchesPerEpoch } = run;
  const history: History = { epochs: [], batchLosses: [], batchesPerEpoch };
  let test = await evaluateClassifier(model, run.testLoader);
  history.epochs.push({
    epoch: 0,
    trainLoss: null,
    trainAccuracy: null,
    testLoss: test.loss,
    testAccuracy: test.accuracy,
    trainSeconds: 0,
  });
  log(
    `epoch 0 (${run.initialState}): test loss ${test.loss.toFixed(4)}, test accuracy ${formatPercent(test.accuracy)}`,
  );

  const progress = trainingProgress(options.progress);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    progress.startEpoch(epoch, epochs, batchesPerEpoch);
    const start = performance.now();
    model.train();
    const stats = await trainClassifierEpoch(run.trainLoader(epoch), run.step, {
      scheduler: run.scheduler,
      progress,
    });
    const elapsed = performance.now() - start;
    progress.stopEpoch();
    test = await evaluateClassifier(model, run.testLoader);
    history.batchLosses.push(...stats.batchLosses);
    history.epochs.push({
      epoch,
      trainLoss: stats.loss,
      trainAccuracy: stats.accuracy,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      trainSeconds: elapsed / 1000,
    });
    log(
      `epoch ${epoch}: train loss ${stats.loss.toFixed(4)}, train accuracy ${formatPercent(stats.accuracy)} | test loss ${test.loss.toFixed(4)}, test accuracy ${formatPercent(test.accuracy)} | ${formatSeconds(elapsed)}`,
    );
  }
  const trained = history.epochs.filter((e) => e.epoch > 0);
  const secondsPerEpoch = trained.reduce((s, e) => s + e.trainSeconds, 0) / Math.max(1, trained.length);
  return { history, test, secondsPerEpoch };
}
