import { tensor } from '@mlblocks/autograd';
import type { CrossEntropyLoss, Linear } from '@mlblocks/nn-layers';
import type { Optimizer } from '@mlblocks/optim';
import type { TrainingStep } from 'lesson-kit';

/**
 * One step of mini-batch SGD on a batch of images: the scores h(x) = Wx + b, the cross-entropy of
 * their softmax, its gradient, and a step against it. lesson-kit's epoch loop runs it on every
 * mini-batch inside a `tidy` scope, reads the loss back and counts the correct predictions.
 */
export function sgdStep(model: Linear, lossFn: CrossEntropyLoss, optimizer: Optimizer): TrainingStep {
  return (images, labels) => {
    const scores = model.forward(tensor(images)); // h(x) = Wx + b for each image, [batch, 10]
    const loss = lossFn.forward(scores, labels); // mean −log softmax(scores)[label]
    loss.backward(); // ∂L/∂W and ∂L/∂b
    optimizer.step(); // W ← W − η·∂L/∂W,  b ← b − η·∂L/∂b
    optimizer.zeroGrad();
    return { loss, logits: scores };
  };
}
