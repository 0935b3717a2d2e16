import { tensor } from '@mlblocks/autograd';
import { dispose, type NDArray, tidy } from '@mlblocks/core-tensor';
import type { Module } from '@mlblocks/nn-layers';
import { crossEntropy } from '@mlblocks/nn-layers';
import type { Optimizer } from '@mlblocks/optim';
import type { TrainingProgress } from 'lesson-kit';

/** The three ways of the lesson's transfer learning. */
export type Method = 'scratch' | 'frozen' | 'finetune';
export const METHODS: readonly Method[] = ['scratch', 'frozen', 'finetune'];
export const METHOD_NAMES: Record<Method, string> = {
  scratch: 'from scratch',
  frozen: 'frozen backbone + new head',
  finetune: 'full fine-tune',
};

/** A source of mini-batches (images and int/uint8 labels) that never runs dry. */
export type BatchSource = () => { images: NDArray; labels: NDArray };

/**
 * `steps` training steps — forward, loss, backward, step — on batches from `next`, the same
 * budget for every method, in the mode `setMode` sets (training mode by default). Returns the
 * mean loss of the last tenth of the steps.
 */
export async function trainSteps(
  net: Module,
  optimizer: Optimizer,
  next: BatchSource,
  steps: number,
  progress: TrainingProgress,
  setMode: (net: Module) => void = (m) => m.train(),
): Promise<number> {
  const tail: number[] = [];
  setMode(net); // training mode (dropout, batch statistics), or what the method asks for
  for (let step = 1; step <= steps; step++) {
    const { images, labels } = next();
    const loss = tidy(() => {
      const l = crossEntropy(net.forward(tensor(images)), labels); // forward and loss
      l.backward(); // backward: frozen parameters get no gradient
      optimizer.step(); // step: only the parameters in the optimizer's groups move
      optimizer.zeroGrad();
      return l.array.ref();
    });
    const value = (await loss.data())[0]!;
    dispose([loss, labels]);
    if (step > steps - Math.max(1, Math.floor(steps / 10))) tail.push(value);
    progress.update(step, { loss: value });
  }
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}
