import { tensor } from '@mlblocks/autograd';
import { dispose, tidy } from '@mlblocks/core-tensor';
import type { DataLoader } from '@mlblocks/datasets';
import type { CrossEntropyLoss, Module } from '@mlblocks/nn-layers';
import type { LRScheduler, Optimizer } from '@mlblocks/optim';
import type { TrainingProgress } from 'lesson-kit';

/** What one epoch of training measured. */
export interface EpochStats {
  /** Mean cross-entropy over the epoch's batches (weighted by batch size). */
  loss: number;
  /** Fraction of training images classified correctly while training. */
  accuracy: number;
  /** Loss of every batch, in order (for the learning curve). */
  batchLosses: number[];
}

/**
 * One pass over the training data — the lesson's loop, written out: for every mini-batch,
 * forward, loss, backward, step, zero the gradients.
 */
export async function trainEpoch(
  model: Module,
  lossFn: CrossEntropyLoss,
  optimizer: Optimizer,
  scheduler: LRScheduler | null,
  loader: DataLoader<'images' | 'labels'>,
  progress: TrainingProgress,
): Promise<EpochStats> {
  model.train();
  const batchLosses: number[] = [];
  let seen = 0;
  let lossSum = 0;
  let correctSum = 0;
  for (const { images, labels } of loader) {
    const step = tidy(() => {
      const x = tensor(images); // a mini-batch of images, [batch, 784]
      const logits = model.forward(x); // forward: y = W2·σ(W1·x), [batch, 10]
      const correct = logits.array.argmax(-1).eq(labels).cast('int32').sum();
      const loss = lossFn.forward(logits, labels); // loss: mean cross-entropy of softmax(y)
      loss.backward(); // backward: ∂loss/∂W for every weight, by the chain rule
      optimizer.step(); // step: W ← W − η·update(∂loss/∂W)
      optimizer.zeroGrad(); // gradients accumulate: clear them for the next batch
      return { loss, correct };
    });
    scheduler?.step(); // the learning rate for the next step (cosine decay counts steps)
    // the only readback of the step (asynchronous, so GPU backends work the same way)
    const [loss, correct] = await Promise.all([step.loss.itemAsync(), step.correct.data()]);
    const batch = labels.shape[0]!;
    dispose([step, images, labels]);
    batchLosses.push(loss);
    seen += batch;
    lossSum += loss * batch;
    correctSum += correct[0]!;
    progress.update(batchLosses.length, { loss: lossSum / seen, accuracy: correctSum / seen });
  }
  return { loss: lossSum / seen, accuracy: correctSum / seen, batchLosses };
}
