import { ValueError } from '@mlblocks/core-tensor';

/** Skip-gram (`'sg'`: each context word predicts the centre word) or CBOW (the context's mean does). */
export type Architecture = 'sg' | 'cbow';

/** Which inner loops train: WebAssembly SIMD (`'wasm'`), plain Float32Array loops (`'js'`), or the first available (`'auto'`). */
export type KernelChoice = 'auto' | 'wasm' | 'js';

/** Where a run stands, as `onProgress` sees it. */
export interface TrainProgress {
  /** Corpus words trained so far (all threads, all epochs; words below min-count not counted). */
  words: number;
  /** Corpus words of the whole run. */
  totalWords: number;
  /** The current epoch (1-based). */
  epoch: number;
  /** The learning rate now. */
  lr: number;
  /** Seconds since training started. */
  seconds: number;
}

/** How to train (the C tool's flags; defaults are its defaults and gensim's). */
export interface TrainOptions {
  /** `'sg'` (default) or `'cbow'`. */
  arch?: Architecture;
  /** Vector size (default 100). */
  dim?: number;
  /** Largest distance between the centre word and a context word (default 5); each centre draws a window of 1 … window. */
  window?: number;
  /** Negative samples per prediction (default 5; 0 with `hs`: hierarchical softmax only). */
  negative?: number;
  /** Hierarchical softmax over a Huffman tree (default false). */
  hs?: boolean;
  /** Subsampling threshold `t` (default 1e-3; 0 turns it off): keep each occurrence with probability `sqrt(t/f) + t/f`. */
  sample?: number;
  /** Passes over the corpus (default 5). */
  epochs?: number;
  /** Starting learning rate (default 0.025 for skip-gram, 0.05 for CBOW). */
  alpha?: number;
  /** The floor of the linear decay (default `alpha · 1e-4`, as the C tool). */
  minAlpha?: number;
  /** Seed of the initial vectors and of every random draw (default 1). */
  seed?: number;
  /** Longest run of kept words trained as one sentence; longer sentences are cut (default 1000, the C tool's). */
  maxSentenceLength?: number;
  /** Inner loops (default `'auto'`: WebAssembly SIMD where available). */
  kernel?: KernelChoice;
  /** Called about every `progressInterval` ms during training. */
  onProgress?: (progress: TrainProgress) => void;
  /** Milliseconds between `onProgress` calls (default 200). */
  progressInterval?: number;
}

/** Options with every default filled in. */
export type ResolvedTrainOptions = Required<Omit<TrainOptions, 'onProgress' | 'kernel'>> & {
  kernel: 'wasm' | 'js';
  onProgress: ((progress: TrainProgress) => void) | undefined;
};

/** Fills in the defaults and checks every value. */
export function resolveTrainOptions(options: TrainOptions, simdAvailable: boolean): ResolvedTrainOptions {
  const op = 'word2vec.train';
  const arch = options.arch ?? 'sg';
  if (arch !== 'sg' && arch !== 'cbow')
    throw new ValueError(op, `arch must be 'sg' or 'cbow', got '${arch}'`);
  const alpha = options.alpha ?? (arch === 'sg' ? 0.025 : 0.05);
  const resolved = {
    arch,
    dim: options.dim ?? 100,
    window: options.window ?? 5,
    negative: options.negative ?? 5,
    hs: options.hs ?? false,
    sample: options.sample ?? 1e-3,
    epochs: options.epochs ?? 5,
    alpha,
    minAlpha: options.minAlpha ?? alpha * 1e-4,
    seed: options.seed ?? 1,
    maxSentenceLength: options.maxSentenceLength ?? 1000,
    progressInterval: options.progressInterval ?? 200,
  };
  const positiveInts = ['dim', 'window', 'epochs', 'maxSentenceLength'] as const;
  for (const key of positiveInts) {
    const v = resolved[key];
    if (!(Number.isInteger(v) && v > 0))
      throw new ValueError(op, `${key} must be a positive integer, got ${v}`);
  }
  if (!(Number.isInteger(resolved.negative) && resolved.negative >= 0)) {
    throw new ValueError(op, `negative must be an integer ≥ 0, got ${resolved.negative}`);
  }
  if (resolved.negative === 0 && !resolved.hs) {
    throw new ValueError(op, 'negative is 0 and hs is off: nothing would be trained');
  }
  if (!(resolved.sample >= 0 && Number.isFinite(resolved.sample))) {
    throw new ValueError(op, `sample must be a number ≥ 0, got ${resolved.sample}`);
  }
  if (!(alpha > 0 && Number.isFinite(alpha)))
    throw new ValueError(op, `alpha must be positive, got ${alpha}`);
  if (!(resolved.minAlpha >= 0 && resolved.minAlpha <= alpha)) {
    throw new ValueError(op, `minAlpha must be in [0, alpha = ${alpha}], got ${resolved.minAlpha}`);
  }
  if (!Number.isFinite(resolved.seed))
    throw new ValueError(op, `seed must be a finite number, got ${resolved.seed}`);
  const choice = options.kernel ?? 'auto';
  if (choice !== 'auto' && choice !== 'wasm' && choice !== 'js') {
    throw new ValueError(op, `kernel must be 'auto', 'wasm' or 'js', got '${choice}'`);
  }
  if (choice === 'wasm' && !simdAvailable) {
    throw new ValueError(op, "kernel 'wasm' asked for, but this runtime has no WebAssembly SIMD");
  }
  const kernel = choice === 'js' || !simdAvailable ? 'js' : 'wasm';
  return { ...resolved, kernel, onProgress: options.onProgress };
}
