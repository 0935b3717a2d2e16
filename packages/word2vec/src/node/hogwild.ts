import { Worker } from 'node:worker_threads';
import { ValueError } from '@mlblocks/core-tensor';
import type { TrainingCorpus } from '../corpus/corpus.js';
import { Word2VecThreadError } from '../errors.js';
import { resolveTrainOptions, type TrainOptions } from '../train/options.js';
import {
  allocateWeights,
  initializeVectors,
  kernelState,
  simdAvailable,
  type TrainingTables,
  trainingTables,
  weightLayout,
} from '../train/setup.js';
import { simdModuleBytes } from '../train/simd-module.js';
import { learningRate, startClock, statsOf, type TrainResult, vectorsOf } from '../train/train.js';
import { WORKER_SOURCE } from './worker-source.js';

// NOTE: Atomics.waitAsync is in Node ≥ 16 but in TypeScript's lib only from ES2024
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

/** Options of `trainWord2VecParallel`: the training options plus the number of threads. */
export interface ParallelTrainOptions extends TrainOptions {
  /** Worker threads (default 1). One thread is reproducible bit for bit; more are Hogwild. */
  threads?: number;
}

type Typed = Int32Array | Float64Array | Uint8Array;

/** A copy of `array` in shared memory (workers then read it without copying it). */
function shared<T extends Typed>(array: T): T {
  const Ctor = array.constructor as { new (buffer: SharedArrayBuffer): T };
  const copy = new Ctor(new SharedArrayBuffer(array.byteLength));
  copy.set(array as never);
  return copy;
}

/** Sentence ranges of about equal words, one per thread (the C tool splits its file the same way). */
export function shards(starts: Int32Array, threads: number): [number, number][] {
  const sentences = starts.length - 1;
  const words = starts[sentences]!;
  const out: [number, number][] = [];
  let first = 0;
  for (let t = 1; t <= threads; t++) {
    let last = first;
    const target = (words * t) / threads;
    while (last < sentences && (t === threads || starts[last]! < target)) last++;
    out.push([first, last]);
    first = last;
  }
  return out;
}

/**
 * Trains word2vec on worker threads, Hogwild (Recht et al. 2011; the C tool's and gensim's scheme):
 * every thread trains its shard of the sentences on the same shared weights without locks. Weights
 * live in a `SharedArrayBuffer` (shared wasm memory for the SIMD kernels); workers park in
 * `Atomics.wait` between epochs and never spin, so an idle pool costs no CPU. The learning rate
 * decays with the words done by all threads. One thread gives the same vectors, bit for bit, as
 * `trainWord2Vec` with the same options; more threads give different (equally good) vectors each run.
 *
 * @example
 * const { vectors, stats } = await trainWord2VecParallel(corpus, { arch: 'sg', threads: 2 });
 * console.log(`${stats.wordsPerSecond.toFixed(0)} words/s`);
 */
export async function trainWord2VecParallel(
  corpus: TrainingCorpus,
  options: ParallelTrainOptions = {},
): Promise<TrainResult> {
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads > 0)) {
    throw new ValueError('word2vec.train', `threads must be a positive integer, got ${threads}`);
  }
  const opts = resolveTrainOptions(options, simdAvailable());
  const layout = weightLayout(corpus.vocabulary.size, opts, threads);
  const { buffer, memory, pages } = allocateWeights(layout, opts.kernel, true);
  initializeVectors(buffer, layout, opts.seed);
  const module = memory ? new WebAssembly.Module(simdModuleBytes(true, pages)) : null;
  const local = trainingTables(corpus, opts);
  const tables: TrainingTables = {
    keep: shared(local.keep),
    aliasProbability: shared(local.aliasProbability),
    aliasIndex: shared(local.aliasIndex),
    codes: shared(local.codes),
    points: shared(local.points),
    codeStart: shared(local.codeStart),
  };
  const sharedCorpus = { ids: shared(corpus.ids), starts: shared(corpus.starts) };
  const progress = shared(new Float64Array(threads));
  const control = new Int32Array(new SharedArrayBuffer(16));
  const totalWords = corpus.ids.length * opts.epochs;
  const parts = {
    buffer,
    layout,
    options: opts,
    corpus: sharedCorpus,
    tables,
    progress,
    totalWords,
    simd: null,
  };

  const failures: string[] = [];
  let failed: (error: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => {}); // observed below, per epoch
  const workers = shards(corpus.starts, threads).map(([first, last], slot) => {
    const state = kernelState(parts, slot);
    const workerData = { state: { ...state, simd: null, heap: null }, module, memory, control, first, last };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.on('message', (message: { error?: string }) => {
      if (message.error) failures.push(message.error);
    });
    worker.on('error', (error) => failed(error));
    return worker;
  });

  const clock = startClock();
  const report = (epoch: number) => {
    let words = 0;
    for (let t = 0; t < threads; t++) words += progress[t]!;
    opts.onProgress?.({
      words,
      totalWords,
      epoch,
      lr: learningRate(opts, words, totalWords),
      seconds: clock().wall,
    });
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      Atomics.store(control, 1, 0);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
      if (opts.onProgress) timer = setInterval(() => report(epoch), opts.progressInterval);
      // wait (without blocking this thread) until every worker has finished the epoch
      for (let finished = Atomics.load(control, 1); finished < threads; finished = Atomics.load(control, 1)) {
        const wait = waitAsync(control, 1, finished);
        if (wait.async) await Promise.race([wait.value, failure]);
      }
      clearInterval(timer);
      if (Atomics.load(control, 3) !== 0) {
        // let the workers' messages arrive
        await new Promise((resolve) => setImmediate(resolve));
        throw new Word2VecThreadError(
          'word2vec.train',
          `a worker failed: ${failures.join('\n') || 'unknown error'}`,
        );
      }
    }
  } finally {
    clearInterval(timer);
    Atomics.store(control, 2, 1);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const time = clock();
  report(opts.epochs);
  let words = 0;
  for (let t = 0; t < threads; t++) words += progress[t]!;
  return {
    vectors: vectorsOf(buffer, layout, corpus),
    stats: statsOf(corpus, opts, threads, time, learningRate(opts, words, totalWords)),
  };
}
