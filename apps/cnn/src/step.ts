import { tensor } from '@mlblocks/autograd';
import type { CrossEntropyLoss, Module } from '@mlblocks/nn-layers';
import type { Optimizer } from '@mlblocks/optim';
import type { TrainingStep } from 'lesson-kit';

/**
 * The lesson's training step, written out: for a mini-batch of images `[batch, 1, 28, 28]`,
 * forward (convolutions, pooling, fully connected layers), loss, backward, step, zero the
 * gradients. lesson-kit's epoch loop runs it on every mini-batch inside a `tidy` scope.
 */
export function trainingStep(model: Module, lossFn: CrossEntropyLoss, optimizer: Optimizer): TrainingStep {
  return (images, labels) => {
    const x = tensor(images); // a mini-batch of images, [batch, 1, 28, 28]
    const logits = model.forward(x); // forward: conv → pool → conv → pool → fc → fc → fc, [batch, 10]
    const loss = lossFn.forward(logits, labels); // loss: mean cross-entropy of softmax(logits)
    loss.backward(); // backward: ∂loss/∂w for every filter and weight
    optimizer.step(); // step: w ← w − η·update(∂loss/∂w)
    optimizer.zeroGrad(); // gradients accumulate: clear them for the next batch
    return { loss, logits };
  };
}
