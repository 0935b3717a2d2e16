import type { RunOptions, Schedule } from 'lesson-kit';

/** Everything `train` needs; the CLI fills it from flags, tests pass it directly. */
export interface TrainOptions extends RunOptions {
  seed: number;
  epochs: number;
  batchSize: number;
  /** Learning rate η of SGD. */
  lr: number;
  /** Learning rate over the run: cosine decay to 0 (per step), or constant. */
  schedule: Schedule;
  /** SGD momentum (0: plain mini-batch SGD, as in the lesson). */
  momentum: number;
  /** L2 penalty λ·‖W‖² added through SGD's weight decay (0: none). */
  weightDecay: number;
}

export const DEFAULTS: TrainOptions = {
  backend: 'auto',
  seed: 0,
  epochs: 20,
  batchSize: 64,
  lr: 0.1,
  schedule: 'cosine',
  momentum: 0,
  weightDecay: 0,
  outDir: 'out/linear-classifier',
  progress: 'auto',
  log: (line) => console.log(line),
};
