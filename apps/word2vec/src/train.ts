import { join } from 'node:path';
import {
  type AnalogyReport,
  evaluateAnalogies,
  evaluateWordPairs,
  type KeyedVectors,
  parseAnalogyQuestions,
  parseWordPairs,
  prepareCorpus,
  projectorTsv,
  serializeWord2VecBinary,
  serializeWord2VecText,
  type TrainStats,
  type WordPairsReport,
} from '@mlblocks/word2vec';
import { loadSentences, trainWord2VecParallel } from '@mlblocks/word2vec/node';
import { formatPercent } from 'lesson-kit';
import { readText } from './evaluate.js';
import { writeAtomic } from './files.js';
import { count, type TrainOptions } from './options.js';
import { trainingBar } from './progress.js';
import { printAnalogy, printNeighbors } from './query.js';

/** What `train` did. */
export interface TrainReport {
  vectors: KeyedVectors;
  stats: TrainStats;
  analogy: AnalogyReport | undefined;
  wordsim: WordPairsReport | undefined;
  files: Record<'text' | 'binary' | 'projectorVectors' | 'projectorMetadata' | 'metrics', string>;
}

/**
 * Trains word2vec on a corpus, writes the vectors (word2vec text and binary, projector TSVs) and
 * metrics.json, evaluates when given the evaluation files, and prints neighbours and the analogy.
 */
export async function train(o: TrainOptions): Promise<TrainReport> {
  const { log } = o;
  const { name, sentences } = loadSentences(o.corpus);
  const corpus = prepareCorpus(sentences, { minCount: o.minCount, name });
  log(
    `corpus ${name}: ${count(corpus.tokens)} words in ${count(sentences.length)} sentences; ${count(corpus.vocabulary.size)} words seen ≥ ${o.minCount} times`,
  );
  const bar = trainingBar(o.progress);
  const alpha = o.alpha ?? (o.arch === 'sg' ? 0.025 : 0.05);
  const { vectors, stats } = await trainWord2VecParallel(corpus, {
    arch: o.arch,
    dim: o.dim,
    window: o.window,
    negative: o.negative,
    hs: o.hs,
    sample: o.sample,
    epochs: o.epochs,
    alpha,
    seed: o.seed,
    threads: o.threads,
    kernel: o.kernel,
    onProgress: (p) => bar.update(p, o.epochs),
  });
  bar.stop();
  const model = `${o.arch === 'sg' ? 'skip-gram' : 'CBOW'} (dim ${o.dim}, window ${o.window}, ${o.negative} negatives${o.hs ? ', hierarchical softmax' : ''}, alpha ${alpha})`;
  log(
    `trained ${model}, ${o.epochs} epochs in ${stats.wallSeconds.toFixed(1)} s: ${count(stats.wordsPerSecond)} words/s, ${
      stats.wordsPerCpuSecond === undefined ? '—' : count(stats.wordsPerCpuSecond)
    } words per CPU-second (${stats.threads} thread${stats.threads > 1 ? 's' : ''}, ${stats.kernel} kernel)`,
  );

  const analogy = o.questions
    ? evaluateAnalogies(vectors, parseAnalogyQuestions(await readText(o.questions), o.questions))
    : undefined;
  const wordsim = o.wordsim
    ? evaluateWordPairs(vectors, parseWordPairs(await readText(o.wordsim), o.wordsim))
    : undefined;
  if (analogy) {
    const t = analogy.total;
    log(
      `analogies (3CosAdd): ${formatPercent(t.accuracy)} of ${count(t.covered)} covered questions (coverage ${formatPercent(t.coverage)} of ${count(t.questions)})`,
    );
  }
  if (wordsim)
    log(
      `WordSim-353: Spearman ρ ${wordsim.spearman.toFixed(3)} on ${wordsim.covered} of ${wordsim.pairs} pairs`,
    );

  const files = {
    text: join(o.outDir, 'vectors.txt'),
    binary: join(o.outDir, 'vectors.bin'),
    projectorVectors: join(o.outDir, 'vectors.tsv'),
    projectorMetadata: join(o.outDir, 'metadata.tsv'),
    metrics: join(o.outDir, 'metrics.json'),
  };
  await writeAtomic(files.text, serializeWord2VecText(vectors));
  await writeAtomic(files.binary, serializeWord2VecBinary(vectors));
  const projector = projectorTsv(vectors);
  await writeAtomic(files.projectorVectors, projector.vectors);
  await writeAtomic(files.projectorMetadata, projector.metadata);
  const metrics = {
    corpus: name,
    tokens: corpus.tokens,
    sentences: sentences.length,
    vocabulary: corpus.vocabulary.size,
    options: { ...o, log: undefined, show: undefined, progress: undefined, alpha },
    speed: {
      wordsPerSecond: stats.wordsPerSecond,
      wordsPerCpuSecond: stats.wordsPerCpuSecond,
      wallSeconds: stats.wallSeconds,
      cpuSeconds: stats.cpuSeconds,
      threads: stats.threads,
      kernel: stats.kernel,
      corpusWords: stats.corpusWords,
    },
    analogy: analogy && {
      method: analogy.method,
      accuracy: analogy.total.accuracy,
      correct: analogy.total.correct,
      covered: analogy.total.covered,
      questions: analogy.total.questions,
      coverage: analogy.total.coverage,
      semantic: analogy.semantic,
      syntactic: analogy.syntactic,
      sections: analogy.sections,
    },
    wordsim: wordsim && {
      spearman: wordsim.spearman,
      pearson: wordsim.pearson,
      covered: wordsim.covered,
      pairs: wordsim.pairs,
    },
  };
  await writeAtomic(files.metrics, `${JSON.stringify(metrics, null, 2)}\n`);

  log('');
  printNeighbors(vectors, o.show, 8, log);
  printAnalogy(vectors, ['man', 'woman', 'king'], '3CosAdd', 3, log);
  log('');
  log(`wrote ${Object.values(files).join(', ')}`);
  return { vectors, stats, analogy, wordsim, files };
}
