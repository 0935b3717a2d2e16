import type { Architecture, KernelChoice } from '@mlblocks/word2vec';

/** Everything `train` needs (the CLI's flags, parsed). */
export interface TrainOptions {
  /** `sotu`, `moby` or a text file / folder of .txt files. */
  corpus: string;
  arch: Architecture;
  dim: number;
  window: number;
  negative: number;
  hs: boolean;
  minCount: number;
  sample: number;
  epochs: number;
  /** Default: 0.025 for skip-gram, 0.05 for CBOW. */
  alpha?: number;
  threads: number;
  seed: number;
  kernel: KernelChoice;
  outDir: string;
  progress: boolean | 'auto';
  /** questions-words.txt to evaluate analogies after training (optional). */
  questions?: string;
  /** wordsim353.tsv to correlate similarities after training (optional). */
  wordsim?: string;
  /** Words whose neighbours are printed after training. */
  show: string[];
  log: (line: string) => void;
}

export const DEFAULTS = {
  corpus: 'sotu',
  arch: 'sg' as Architecture,
  dim: 100,
  window: 5,
  negative: 5,
  minCount: 5,
  sample: 1e-3,
  epochs: 5,
  threads: 1,
  seed: 1,
  kernel: 'auto' as KernelChoice,
  outDir: 'out/word2vec',
  show: ['war', 'tax', 'america', 'president'],
};

/** Formats a count with thousands separators. */
export const count = (n: number) => Math.round(n).toLocaleString('en-US');
