import { noGrad } from '@mlblocks/autograd';
import { dispose, fromArray, Generator, type NDArray, tidy } from '@mlblocks/core-tensor';
import { permutation } from '@mlblocks/datasets';
import { crossEntropy, type Module } from '@mlblocks/nn-layers';
import { Adam, clipGradNorm } from '@mlblocks/optim';
import type { BagOfFeaturesClassifier, SequenceClassifier } from '@mlblocks/rnn-lm';
import { padSequences } from '@mlblocks/rnn-lm';
import { type Evaluation, formatPercent, formatSeconds, type History, trainingProgress } from 'lesson-kit';

/** Encoded examples: token ids and labels. */
export interface EncodedSet {
  ids: Int32Array[];
  labels: Uint8Array;
}

/** Either model of the lesson: both map a padded batch and its lengths to logits. */
export type SequenceModel = (SequenceClassifier | BagOfFeaturesClassifier) & Module;

/** How to train one model. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Gradient-norm clipping (0: none). */
  clip: number;
  seed: number;
  progress: boolean | 'auto';
  log: (line: string) => void;
}

/** What training measured. */
export interface TrainedModel {
  history: History;
  /** The test split, by the weights of the epoch with the lowest validation loss. */
  test: Evaluation;
  /** That epoch (0: the untrained model). */
  bestEpoch: number;
  /** Sequences (names, emails) per second of training. */
  examplesPerSecond: number;
}

/**
 * Trains `model` with Adam on shuffled mini-batches of padded sequences (the forward, the loss,
 * the backward, clipping, the step — written out), evaluating on `valid` and `test` before
 * training and after every epoch; the result is the epoch with the lowest validation loss
 * (early stopping: `test` is only reported, never used to choose). Lengths travel with each batch, so the padding never changes a result.
 */
export async function trainModel(
  name: string,
  model: SequenceModel,
  data: { train: EncodedSet; valid: EncodedSet; test: EncodedSet },
  settings: TrainSettings,
): Promise<TrainedModel> {
  const { train, valid, test } = data;
  const { epochs, batchSize, lr, clip, log } = settings;
  const optimizer = new Adam(model.parameters(), { lr });
  const order = new Generator(settings.seed + 1);
  const batches = Math.ceil(train.labels.length / batchSize);
  const history: History = { epochs: [], batchLosses: [], batchesPerEpoch: batches };
  let test0 = await evaluate(model, test, batchSize);
  history.epochs.push({
    epoch: 0,
    trainLoss: null,
    trainAccuracy: null,
    testLoss: test0.loss,
    testAccuracy: test0.accuracy,
    trainSeconds: 0,
  });
  // early stopping: the weights of the epoch with the lowest validation loss are the result
  let best = { epoch: 0, loss: (await evaluate(model, valid, batchSize)).loss, weights: snapshot(model) };
  const progress = trainingProgress(settings.progress);
  let seconds = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const perm = permutation(train.labels.length, order);
    progress.startEpoch(epoch, epochs, batches);
    model.train();
    const start = performance.now();
    let [lossSum, correct, seen] = [0, 0, 0];
    for (let b = 0; b < batches; b++) {
      const rows = perm.subarray(b * batchSize, (b + 1) * batchSize);
      const { tokens, lengths } = padSequences([...rows].map((i) => train.ids[i]!));
      const labels = fromArray(
        Int32Array.from(rows, (i) => train.labels[i]!),
        { backend: tokens.backend.name },
      );
      const out = tidy(() => {
        const logits = model.forward(tokens, lengths);
        const loss = crossEntropy(logits, labels);
        loss.backward();
        if (clip > 0) clipGradNorm(model.parameters(), clip);
        optimizer.step();
        optimizer.zeroGrad();
        return { loss: loss.detach(), correct: logits.array.argmax(-1).eq(labels).cast('int32').sum() };
      });
      const [loss, right] = await Promise.all([out.loss.itemAsync(), out.correct.data()]);
      dispose([out, tokens, labels]);
      history.batchLosses.push(loss);
      lossSum += loss * rows.length;
      correct += right[0]!;
      seen += rows.length;
      progress.update(b + 1, { loss: lossSum / seen, accuracy: correct / seen });
    }
    const elapsed = performance.now() - start;
    seconds += elapsed / 1000;
    progress.stopEpoch();
    test0 = await evaluate(model, test, batchSize);
    const validation = await evaluate(model, valid, batchSize);
    if (validation.loss < best.loss) {
      dispose([...best.weights.values()]);
      best = { epoch, loss: validation.loss, weights: snapshot(model) };
    }
    history.epochs.push({
      epoch,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      testLoss: test0.loss,
      testAccuracy: test0.accuracy,
      trainSeconds: elapsed / 1000,
    });
    log(
      `${name} epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)}, accuracy ${formatPercent(correct / seen)} | valid loss ${validation.loss.toFixed(4)}, accuracy ${formatPercent(validation.accuracy)} | test accuracy ${formatPercent(test0.accuracy)} | ${formatSeconds(elapsed)}`,
    );
  }
  model.loadStateDict(best.weights);
  dispose([...best.weights.values()]);
  if (best.epoch !== epochs) log(`${name}: keeping epoch ${best.epoch}'s weights (lowest validation loss)`);
  const final = best.epoch === epochs ? test0 : await evaluate(model, test, batchSize);
  return {
    history,
    test: final,
    bestEpoch: best.epoch,
    examplesPerSecond: (epochs * train.labels.length) / Math.max(seconds, 1e-9),
  };
}

/** A copy of the model's parameters and buffers. */
function snapshot(model: SequenceModel): Map<string, NDArray> {
  return new Map([...model.stateDict()].map(([k, v]) => [k, v.clone()]));
}

/** Loss, accuracy and every prediction of `model` on `set`, in eval mode, without gradients. */
export async function evaluate(
  model: SequenceModel,
  set: EncodedSet,
  batchSize: number,
): Promise<Evaluation> {
  model.eval();
  const n = set.labels.length;
  const predictions = new Int32Array(n);
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const { tokens, lengths } = padSequences(set.ids.slice(start, end));
    const labels = fromArray(Int32Array.from(set.labels.subarray(start, end)), {
      backend: tokens.backend.name,
    });
    const out = tidy(() =>
      noGrad(() => {
        const logits = model.forward(tokens, lengths);
        return {
          loss: crossEntropy(logits, labels, { reduction: 'sum' }),
          predicted: logits.array.argmax(-1),
        };
      }),
    );
    const [loss, predicted] = await Promise.all([out.loss.data(), out.predicted.data()]);
    predictions.set(predicted as Int32Array, start);
    lossSum += loss[0]!;
    dispose([out, tokens, labels]);
  }
  model.train();
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === set.labels[i]) correct++;
  return { loss: lossSum / n, accuracy: correct / n, predictions, labels: set.labels };
}
