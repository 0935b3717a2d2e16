import { tensor } from '@mlblocks/autograd';
import type { CrossEntropyLoss, Module } from '@mlblocks/nn-layers';
import type { Optimizer } from '@mlblocks/optim';
import type { TrainingStep } from 'lesson-kit';

/**
 * The lesson's training step, written out: for a mini-batch, forward, loss, backward, step, zero
 * the gradients. lesson-kit's epoch loop runs it on every mini-batch inside a `tidy` scope (which
 * frees every intermediate array), then reads the loss back and counts the correct predictions.
 */
export function trainingStep(model: Module, lossFn: CrossEntropyLoss, optimizer: Optimizer): TrainingStep {
  return (images, labels) => {
    const x = tensor(images); // a mini-batch of images, [batch, 784]
    const logits = model.forward(x); // forward: y = W2·σ(W1·x), [batch, 10]
    const loss = lossFn.forward(logits, labels); // loss: mean cross-entropy of softmax(y)
    loss.backward(); // backward: ∂loss/∂W for every weight, by the chain rule
    optimizer.step(); // step: W ← W − η·update(∂loss/∂W)
    optimizer.zeroGrad(); // gradients accumulate: clear them for the next batch
    return { loss, logits };
  };
}
