import type { RunOptions, Schedule } from 'lesson-kit';

/** The nonlinearity σ between the layers. */
export type Activation = 'relu' | 'sigmoid' | 'tanh';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh'];

/** The optimizer of the training loop. */
export type OptimizerName = 'adam' | 'sgd';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd'];

/** Everything `train` needs; the CLI fills it from flags, tests pass it directly. */
export interface TrainOptions extends RunOptions {
  seed: number;
  /** Neurons per hidden layer. */
  hidden: number;
  /** Number of hidden layers (1 gives the lesson's y = W2·σ(W1·x)). */
  layers: number;
  activation: Activation;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Learning rate (default: 2e-3 for Adam, 0.1 for SGD). */
  lr?: number;
  /** Learning-rate schedule over the whole run: cosine decay to 0, or constant. */
  schedule: Schedule;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** Data augmentation: shift each training image by up to this many pixels, anew every epoch (0: off). */
  augment: number;
}

/** The defaults: a 784-256-10 ReLU network trained with Adam on the embedded digits. */
export const DEFAULTS: TrainOptions = {
  backend: 'auto',
  seed: 0,
  hidden: 256,
  layers: 1,
  activation: 'relu',
  epochs: 20,
  batchSize: 64,
  optimizer: 'adam',
  schedule: 'cosine',
  momentum: 0.9,
  augment: 2,
  outDir: 'out/mlp-mnist',
  progress: 'auto',
  log: (line) => console.log(line),
};

/** The learning rate used when none is given. */
export function defaultLearningRate(optimizer: OptimizerName): number {
  return optimizer === 'adam' ? 2e-3 : 0.1;
}
