import { tensor } from '@mlblocks/autograd';
import { dispose, tidy } from '@mlblocks/core-tensor';
import type { DataLoader } from '@mlblocks/datasets';
import type { CrossEntropyLoss, Linear } from '@mlblocks/nn-layers';
import type { LRScheduler, Optimizer } from '@mlblocks/optim';
import type { TrainingProgress } from 'lesson-kit';

/** What one epoch of training measured. */
export interface EpochStats {
  loss: number;
  accuracy: number;
  batchLosses: number[];
}

/**
 * One pass of mini-batch SGD over the training data: for every batch, the scores
 * h(x) = Wx + b, the cross-entropy of their softmax, its gradient, and a step against it.
 */
export async function trainEpoch(
  model: Linear,
  lossFn: CrossEntropyLoss,
  optimizer: Optimizer,
  scheduler: LRScheduler | null,
  loader: DataLoader<'images' | 'labels'>,
  progress: TrainingProgress,
): Promise<EpochStats> {
  const batchLosses: number[] = [];
  let seen = 0;
  let lossSum = 0;
  let correctSum = 0;
  for (const { images, labels } of loader) {
    const step = tidy(() => {
      const scores = model.forward(tensor(images)); // h(x) = Wx + b for each image, [batch, 10]
      const correct = scores.array.argmax(-1).eq(labels).cast('int32').sum();
      const loss = lossFn.forward(scores, labels); // mean −log softmax(scores)[label]
      loss.backward(); // ∂L/∂W and ∂L/∂b
      optimizer.step(); // W ← W − η·∂L/∂W,  b ← b − η·∂L/∂b
      optimizer.zeroGrad();
      return { loss, correct };
    });
    scheduler?.step(); // η for the next step
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
