import type { BackendChoice, RunOptions, Schedule } from 'lesson-kit';
import type { NetName } from './net.js';

/** Everything `train` needs; the CLI fills it from flags, tests pass it directly. */
export interface TrainOptions extends RunOptions {
  seed: number;
  net: NetName;
  epochs: number;
  batchSize: number;
  /** Adam's learning rate. */
  lr: number;
  /** Learning rate over the run: cosine decay to 0 (per step), or constant. */
  schedule: Schedule;
  /**
   * Shift training images randomly by up to this many pixels, anew every epoch (0: off); default
   * 2 for digits, 1 for Fashion-MNIST (its clothes fill the frame).
   */
  shift?: number;
  /** Mirror training images left-right at random (clothes, not digits); default: on for Fashion-MNIST. */
  flip?: boolean;
}

/** The defaults: the modern LeNet-5 on the embedded MNIST digits with Adam and random shifts. */
export const TRAIN_DEFAULTS: TrainOptions = {
  backend: 'auto',
  seed: 0,
  net: 'lenet5',
  epochs: 20,
  batchSize: 32,
  lr: 2e-3,
  schedule: 'cosine',
  outDir: 'out/cnn',
  progress: 'auto',
  log: (line) => console.log(line),
};

/** What `explain` needs. */
export interface ExplainOptions {
  backend: BackendChoice;
  seed: number;
  /** Timed repetitions of each convolution (the fastest counts). */
  runs: number;
  log: (line: string) => void;
}

export const EXPLAIN_DEFAULTS: ExplainOptions = {
  backend: 'auto',
  seed: 0,
  runs: 3,
  log: (line) => console.log(line),
};
