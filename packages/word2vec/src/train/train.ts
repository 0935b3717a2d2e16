import type { TrainingCorpus } from '../corpus/corpus.js';
import { KeyedVectors } from '../model/keyed-vectors.js';
import { trainSentences } from './kernel.js';
import { type ResolvedTrainOptions, resolveTrainOptions, type TrainOptions } from './options.js';
import {
  allocateWeights,
  initializeVectors,
  kernelState,
  simdAvailable,
  simdKernels,
  trainingTables,
  type WeightLayout,
  weightLayout,
  wordVectorRows,
} from './setup.js';
import { simdModuleBytes } from './simd-module.js';

/** What a training run measured. */
export interface TrainStats {
  arch: 'sg' | 'cbow';
  kernel: 'wasm' | 'js';
  threads: number;
  epochs: number;
  /** Corpus tokens × epochs, words below min-count included (how the C tool and gensim count words/s). */
  corpusWords: number;
  /** Words trained: in-vocabulary tokens × epochs, before subsampling. */
  trainedWords: number;
  wallSeconds: number;
  /** CPU seconds of the whole process (all threads), where the runtime tells (Node); else undefined. */
  cpuSeconds: number | undefined;
  /** `corpusWords / wallSeconds`. */
  wordsPerSecond: number;
  /** `corpusWords / cpuSeconds`, where CPU time is known. */
  wordsPerCpuSecond: number | undefined;
  /** The learning rate at the end. */
  finalLr: number;
}

/** A trained model: the word vectors and how the run went. */
export interface TrainResult {
  vectors: KeyedVectors;
  stats: TrainStats;
}

/** Wall and CPU clocks from one start. */
export function startClock(): () => { wall: number; cpu: number | undefined } {
  const cpuUsage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process
    ?.cpuUsage;
  const cpu = () => {
    if (!cpuUsage) return undefined;
    const { user, system } = cpuUsage();
    return (user + system) / 1e6;
  };
  const wall0 = performance.now();
  const cpu0 = cpu();
  return () => {
    const c = cpu();
    return {
      wall: (performance.now() - wall0) / 1000,
      cpu: c === undefined || cpu0 === undefined ? undefined : c - cpu0,
    };
  };
}

/** The learning rate after `words` of `total` words (what the kernel computes). */
export function learningRate(options: ResolvedTrainOptions, words: number, total: number): number {
  return Math.max(options.minAlpha, options.alpha * (1 - words / total));
}

/** The statistics of a finished run. */
export function statsOf(
  corpus: TrainingCorpus,
  options: ResolvedTrainOptions,
  threads: number,
  time: { wall: number; cpu: number | undefined },
  finalLr: number,
): TrainStats {
  const corpusWords = corpus.tokens * options.epochs;
  return {
    arch: options.arch,
    kernel: options.kernel,
    threads,
    epochs: options.epochs,
    corpusWords,
    trainedWords: corpus.ids.length * options.epochs,
    wallSeconds: time.wall,
    cpuSeconds: time.cpu,
    wordsPerSecond: corpusWords / time.wall,
    wordsPerCpuSecond: time.cpu === undefined ? undefined : corpusWords / time.cpu,
    finalLr,
  };
}

/** Copies the word vectors out of the training memory (rows of `stride` floats → rows of `dim`). */
export function vectorsOf(
  buffer: ArrayBuffer | SharedArrayBuffer,
  layout: WeightLayout,
  corpus: TrainingCorpus,
): KeyedVectors {
  const { vocabulary, dim, stride } = layout;
  const syn0 = wordVectorRows(buffer, layout);
  const out = new Float32Array(vocabulary * dim);
  for (let w = 0; w < vocabulary; w++) out.set(syn0.subarray(w * stride, w * stride + dim), w * dim);
  return new KeyedVectors(corpus.vocabulary.tokens, out, dim, { counts: corpus.vocabulary.counts });
}

// about 25,000 words between progress checks on an English corpus
const CHUNK = 1024;

/**
 * Trains word2vec on the calling thread (any runtime; `trainWord2VecParallel` of
 * `@mlblocks/word2vec/node` runs Hogwild worker threads). With the same corpus, options and seed,
 * the vectors are the same bit for bit on every run.
 *
 * @example
 * const corpus = prepareCorpus(sentencesOf(corpusFromText('notes', text)), { minCount: 2 });
 * const { vectors, stats } = trainWord2Vec(corpus, { arch: 'sg', dim: 50, epochs: 5 });
 * vectors.mostSimilar('king', { topN: 5 });
 */
export function trainWord2Vec(corpus: TrainingCorpus, options: TrainOptions = {}): TrainResult {
  const opts = resolveTrainOptions(options, simdAvailable());
  const layout = weightLayout(corpus.vocabulary.size, opts, 1);
  const { buffer, memory, pages } = allocateWeights(layout, opts.kernel, false);
  initializeVectors(buffer, layout, opts.seed);
  const simd = memory ? simdKernels(new WebAssembly.Module(simdModuleBytes(false, pages)), memory) : null;
  const tables = trainingTables(corpus, opts);
  const progress = new Float64Array(1);
  const totalWords = corpus.ids.length * opts.epochs;
  const state = kernelState({ buffer, layout, options: opts, corpus, tables, progress, totalWords, simd }, 0);
  const sentences = corpus.starts.length - 1;
  const clock = startClock();
  let reported = performance.now();
  const report = (epoch: number) => {
    opts.onProgress?.({
      words: progress[0]!,
      totalWords,
      epoch,
      lr: learningRate(opts, progress[0]!, totalWords),
      seconds: clock().wall,
    });
  };
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    for (let s = 0; s < sentences; s += CHUNK) {
      trainSentences(state, s, Math.min(s + CHUNK, sentences));
      if (opts.onProgress && performance.now() - reported >= opts.progressInterval) {
        report(epoch);
        reported = performance.now();
      }
    }
  }
  const time = clock();
  report(opts.epochs);
  return { vectors: vectorsOf(buffer, layout, corpus), stats: statsOf(corpus, opts, 1, time, state.lr) };
}
