import { Generator, ValueError } from '@mlblocks/core-tensor';
import { aliasTable, subsamplingKeepProbabilities } from '@mlblocks/datasets';
import type { TrainingCorpus } from '../corpus/corpus.js';
import { huffmanCodes } from './huffman.js';
import type { KernelState, RowKernels, TrainingTables } from './kernel.js';
import type { ResolvedTrainOptions } from './options.js';
import { simdModuleBytes } from './simd-module.js';

/** Where each array lives in the weights' memory, in floats. */
export interface WeightLayout {
  vocabulary: number;
  dim: number;
  /** Floats per row: `dim`, rounded up to a multiple of 4 for the SIMD kernels (padding stays 0). */
  stride: number;
  syn0: number;
  syn1neg: number;
  syn1: number;
  /** Thread t's scratch starts at `scratch + t·perThread`: its h and e rows, its int32 output row ids, its int32 context ids. */
  scratch: number;
  perThread: number;
  /** Floats in all. */
  floats: number;
}

const PAGE = 65536;

/** Lays out syn0, syn1neg, syn1 and each thread's scratch rows one after the other. */
export function weightLayout(
  vocabulary: number,
  options: ResolvedTrainOptions,
  threads: number,
): WeightLayout {
  const { dim } = options;
  const stride = options.kernel === 'wasm' ? Math.ceil(dim / 4) * 4 : dim;
  const syn0 = 0;
  const syn1neg = syn0 + vocabulary * stride;
  const syn1 = syn1neg + (options.negative > 0 ? vocabulary * stride : 0);
  const scratch = syn1 + (options.hs ? (vocabulary - 1) * stride : 0);
  const perThread =
    2 * stride + Math.ceil((options.negative + 1) / 4) * 4 + Math.ceil((2 * options.window) / 4) * 4;
  return {
    vocabulary,
    dim,
    stride,
    syn0,
    syn1neg,
    syn1,
    scratch,
    perThread,
    floats: scratch + threads * perThread,
  };
}

/** Memory for the weights: wasm memory for the SIMD kernels (shared for threads), else an (Shared)ArrayBuffer. */
export function allocateWeights(
  layout: WeightLayout,
  kernel: 'wasm' | 'js',
  shared: boolean,
): { buffer: ArrayBuffer | SharedArrayBuffer; memory: WebAssembly.Memory | null; pages: number } {
  const bytes = layout.floats * 4;
  if (kernel === 'js') {
    return { buffer: shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), memory: null, pages: 0 };
  }
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > 65536) {
    throw new ValueError(
      'word2vec.train',
      `the weights need ${(bytes / 2 ** 30).toFixed(1)} GiB, more than WebAssembly's 4 GiB; use kernel 'js'`,
    );
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  return { buffer: memory.buffer, memory, pages };
}

let simdSupport: boolean | undefined;

/** Whether this runtime runs WebAssembly SIMD (checked once, by validating the kernels). */
export function simdAvailable(): boolean {
  if (simdSupport === undefined) {
    simdSupport = typeof WebAssembly === 'object' && WebAssembly.validate(simdModuleBytes(false, 1));
  }
  return simdSupport;
}

/** Instantiates the SIMD kernels on `memory` (compiled for its page count and sharing). */
export function simdKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): RowKernels {
  const instance = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp } });
  return instance.exports as unknown as RowKernels;
}

/**
 * Subsampling keeps each occurrence of word w with probability `sqrt(t/f) + t/f`, f = count(w) / total
 * — the formula of the released C code (word2vec.c, `TrainModelThread`: `ran = (sqrt(cn / (sample ·
 * train_words)) + 1) · (sample · train_words) / cn`) and of gensim, not the paper's `1 − sqrt(t/f)`
 * discard probability (Mikolov et al. 2013, "Distributed Representations of Words and Phrases and
 * their Compositionality", §2.3). Negatives come from `count^0.75` (same paper, §2.2).
 */
export function trainingTables(corpus: TrainingCorpus, options: ResolvedTrainOptions): TrainingTables {
  const { vocabulary } = corpus;
  const keep =
    options.sample > 0
      ? subsamplingKeepProbabilities(vocabulary, { threshold: options.sample })
      : new Float64Array(vocabulary.size).fill(1);
  const alias =
    options.negative > 0
      ? aliasTable(vocabulary)
      : { probability: new Float64Array(0), alias: new Int32Array(0) };
  const huffman = options.hs
    ? huffmanCodes(vocabulary.counts)
    : { codes: new Uint8Array(0), points: new Int32Array(0), start: new Int32Array(vocabulary.size + 1) };
  return {
    keep,
    aliasProbability: alias.probability,
    aliasIndex: alias.alias,
    codes: huffman.codes,
    points: huffman.points,
    codeStart: huffman.start,
  };
}

/** The word vectors in the training memory: `vocabulary` rows of `stride` floats. */
export function wordVectorRows(buffer: ArrayBuffer | SharedArrayBuffer, layout: WeightLayout): Float32Array {
  return new Float32Array(buffer, layout.syn0 * 4, layout.vocabulary * layout.stride);
}

/**
 * The initial word vectors, as gensim 4 draws them: uniform in [−1/dim, 1/dim) (word by word, from
 * `Generator(seed)`; the C tool's range is half that, which measured 0.4–0.7 points lower CBOW
 * analogy accuracy on the State of the Union); the output vectors start at 0.
 */
export function initializeVectors(
  buffer: ArrayBuffer | SharedArrayBuffer,
  layout: WeightLayout,
  seed: number,
): void {
  const { vocabulary, dim, stride } = layout;
  const syn0 = wordVectorRows(buffer, layout);
  const generator = new Generator(seed);
  for (let w = 0; w < vocabulary; w++) {
    for (let c = 0; c < dim; c++) syn0[w * stride + c] = (2 * generator.nextFloat() - 1) / dim;
  }
}

/** A thread's random state: splitmix32 of (seed, thread). */
export function threadSeed(seed: number, thread: number): number {
  let z = (Math.trunc(seed) ^ Math.imul(thread + 1, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return z === 0 ? 0x2545f491 : z >>> 0;
}

export type { TrainingTables };

/** Everything a thread's `trainSentences` reads, over shared or private arrays. */
export function kernelState(
  parts: {
    buffer: ArrayBuffer | SharedArrayBuffer;
    layout: WeightLayout;
    options: ResolvedTrainOptions;
    corpus: { ids: Int32Array; starts: Int32Array };
    tables: TrainingTables;
    progress: Float64Array;
    totalWords: number;
    simd: RowKernels | null;
  },
  slot: number,
): KernelState {
  const { buffer, layout, options, corpus, tables, progress, simd } = parts;
  const { vocabulary, stride } = layout;
  const view = (at: number, floats: number) => new Float32Array(buffer, at * 4, floats);
  const hAt = layout.scratch + slot * layout.perThread;
  return {
    syn0: view(layout.syn0, vocabulary * stride),
    syn1neg: view(layout.syn1neg, layout.syn1 - layout.syn1neg),
    syn1: view(layout.syn1, layout.scratch - layout.syn1),
    dim: layout.dim,
    stride,
    window: options.window,
    negative: options.negative,
    hs: options.hs ? 1 : 0,
    cbow: options.arch === 'cbow' ? 1 : 0,
    alpha: options.alpha,
    minAlpha: options.minAlpha,
    totalWords: parts.totalWords,
    ids: corpus.ids,
    starts: corpus.starts,
    keep: tables.keep,
    aliasProbability: tables.aliasProbability,
    aliasIndex: tables.aliasIndex,
    codes: tables.codes,
    points: tables.points,
    codeStart: tables.codeStart,
    progress,
    slot,
    sentence: new Int32Array(options.maxSentenceLength),
    hidden: new Float64Array(layout.dim),
    update: new Float64Array(layout.dim),
    simd,
    heap: simd ? new Float32Array(buffer) : new Float32Array(0),
    syn0Address: layout.syn0 * 4,
    syn1negAddress: layout.syn1neg * 4,
    syn1Address: layout.syn1 * 4,
    hiddenAddress: hAt * 4,
    updateAddress: (hAt + stride) * 4,
    targetsAddress: (hAt + 2 * stride) * 4,
    contextAddress: (hAt + 2 * stride + Math.ceil((options.negative + 1) / 4) * 4) * 4,
    rng: Uint32Array.of(threadSeed(options.seed, slot)),
    lr: options.alpha,
  };
}
