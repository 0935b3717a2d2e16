import { join } from 'node:path';
import { Generator, tidy } from '@mlblocks/core-tensor';
import { permutation, type Vocabulary } from '@mlblocks/datasets';
import { saveSafetensors } from '@mlblocks/nn-layers/node';
import {
  BagOfFeaturesClassifier,
  padSequences,
  type SequenceCell,
  SequenceClassifier,
  type SequencePooling,
} from '@mlblocks/rnn-lm';
import {
  type BackendChoice,
  formatConfusionMatrix,
  type PlotFiles,
  selectBackend,
  writeClassifierPlots,
} from 'lesson-kit';
import { type Example, loadNames, loadSpam, splitByHash, type TaskData } from './data.js';
import {
  buildVocabulary,
  characterNgrams,
  characters,
  encode,
  type Tokenizer,
  wordSet,
  words,
} from './features.js';
import { type BinaryScores, binaryScores, scoreTable } from './metrics.js';
import { type EncodedSet, trainModel } from './train.js';

/** The two tasks of the lesson. */
export type TaskName = 'names' | 'spam';

/** Everything a run takes (the CLI's flags). */
export interface TaskOptions {
  task: TaskName;
  backend: BackendChoice;
  seed: number;
  epochs: number;
  baselineEpochs: number;
  batchSize: number;
  lr: number;
  cell: SequenceCell;
  hidden: number;
  embedding: number;
  layers: number;
  bidirectional: boolean;
  pooling: SequencePooling;
  dropout: number;
  /** Tokens kept per text (emails are cut to their first `maxLength` words). */
  maxLength: number;
  /** Use only the first n training texts (smoke tests). */
  trainSize?: number;
  /** Texts to classify after training (names for `names`). */
  predict: string[];
  outDir: string;
  progress: boolean | 'auto';
  log: (line: string) => void;
}

/** How each task reads its texts. */
const TASKS: Record<
  TaskName,
  {
    load: () => TaskData;
    tokens: Tokenizer;
    features: Tokenizer;
    minCount: number;
    input: 'onehot' | 'embedding';
  }
> = {
  names: { load: loadNames, tokens: characters, features: characterNgrams, minCount: 1, input: 'onehot' },
  spam: { load: loadSpam, tokens: words, features: wordSet, minCount: 2, input: 'embedding' },
};

/** What a run measured. */
export interface TaskResult {
  backend: string;
  sizes: { train: number; test: number };
  baseline: BinaryScores;
  recurrent: BinaryScores;
  table: string;
  predictions: { text: string; label: string; probability: number }[];
  files: (PlotFiles | string)[];
}

/**
 * One task end to end: load and split the data, build the vocabularies on the training split,
 * train the baseline (logistic regression on bags of features) and the recurrent classifier,
 * report both on the held-out test split, write the plots and the recurrent model's checkpoint.
 */
export async function runTask(options: TaskOptions): Promise<TaskResult> {
  const { log } = options;
  const task = TASKS[options.task];
  const selected = await selectBackend(options.backend, log);
  try {
    const data = task.load();
    const splits = splitByHash(data.examples);
    // --train-size: a seeded random subset (the data come grouped by class: a prefix would be one class)
    const train = options.trainSize ? subset(splits.train, options.trainSize, options.seed) : splits.train;
    log(
      `${options.task}: ${data.note}; ${train.length} train / ${splits.valid.length} valid / ${splits.test.length} test texts (split by a hash of the text; the epoch with the lowest validation loss is kept) · backend ${selected.description}`,
    );

    const featureVocab = buildVocabulary(
      train.map((e) => e.text),
      task.features,
      task.minCount,
    );
    const tokenVocab = buildVocabulary(
      train.map((e) => e.text),
      task.tokens,
      task.minCount,
    );
    // the recurrent model reads the first maxLength tokens; the baseline's bag holds all of a text
    const encodeWith = (
      vocab: Vocabulary,
      tokenize: Tokenizer,
      set: readonly Example[],
      maxLength: number,
    ): EncodedSet => ({
      ids: set.map((e) => encode(vocab, tokenize, e.text, maxLength)),
      labels: Uint8Array.from(set, (e) => e.label),
    });
    const all = Number.POSITIVE_INFINITY;
    const settings = { ...options, clip: 5 };

    log(
      `\nbaseline: logistic regression on ${featureVocab.size} ${options.task === 'names' ? 'character 1–3-grams' : 'words (each once per email)'}`,
    );
    const baselineModel = new BagOfFeaturesClassifier({ numFeatures: featureVocab.size, numClasses: 2 });
    const baseline = await trainModel(
      'baseline',
      baselineModel,
      {
        train: encodeWith(featureVocab, task.features, train, all),
        valid: encodeWith(featureVocab, task.features, splits.valid, all),
        test: encodeWith(featureVocab, task.features, splits.test, all),
      },
      { ...settings, epochs: options.baselineEpochs, lr: 0.05 },
    );

    const model = new SequenceClassifier({
      vocabSize: tokenVocab.size,
      numClasses: 2,
      input: task.input,
      embeddingDim: options.embedding,
      cell: options.cell,
      hiddenSize: options.hidden,
      numLayers: options.layers,
      bidirectional: options.bidirectional,
      pooling: options.pooling,
      dropout: options.dropout,
      generator: new Generator(options.seed),
    });
    const describe = `${options.layers}-layer ${options.bidirectional ? 'bidirectional ' : ''}${options.cell.toUpperCase()} ${options.hidden}, ${options.pooling} pooling, ${task.input === 'onehot' ? `one-hot ${tokenVocab.size}` : `embedding ${options.embedding} over ${tokenVocab.size} words`}`;
    log(
      `\nrecurrent classifier: ${describe} (${model
        .parameters()
        .reduce((s, p) => s + p.size, 0)
        .toLocaleString('en-US')} parameters)`,
    );
    const testSet = encodeWith(tokenVocab, task.tokens, splits.test, options.maxLength);
    const recurrent = await trainModel(
      'recurrent',
      model,
      {
        train: encodeWith(tokenVocab, task.tokens, train, options.maxLength),
        valid: encodeWith(tokenVocab, task.tokens, splits.valid, options.maxLength),
        test: testSet,
      },
      settings,
    );

    const scores = {
      baseline: binaryScores(testSet.labels, baseline.test.predictions),
      recurrent: binaryScores(testSet.labels, recurrent.test.predictions),
    };
    const unit = options.task === 'names' ? 'names/s' : 'emails/s';
    const table = scoreTable(
      [
        {
          model: 'bag-of-features baseline',
          scores: scores.baseline,
          speed: `${baseline.examplesPerSecond.toFixed(0)} ${unit}`,
        },
        {
          model: describe,
          scores: scores.recurrent,
          speed: `${recurrent.examplesPerSecond.toFixed(0)} ${unit}`,
        },
      ],
      data.classNames[1]!,
    );
    log(`\ntest split (${splits.test.length} texts)\n\n${table}`);
    log(`\nrecurrent classifier's confusion matrix (rows: true class, columns: predicted)\n`);
    log(formatConfusionMatrix(scores.recurrent.confusion, data.classNames));

    const predictions = options.predict.map((text) => {
      const ids = encode(tokenVocab, task.tokens, text.toLowerCase(), options.maxLength);
      const p = tidy(() => {
        const { tokens, lengths } = padSequences([ids]);
        model.eval();
        return model.forward(tokens, lengths).softmax(-1).array.toArraySync() as number[][];
      })[0]!;
      const label = p[1]! > p[0]! ? 1 : 0;
      return { text, label: data.classNames[label]!, probability: p[label]! };
    });
    if (predictions.length > 0) {
      log(
        `\n${predictions.map((p) => `${p.text.padEnd(12)} → ${p.label} (${(p.probability * 100).toFixed(1)}%)`).join('\n')}`,
      );
    }

    const outDir = join(options.outDir, options.task);
    const plots = await writeClassifierPlots(
      outDir,
      `${options.task}: ${describe}`,
      recurrent.history,
      scores.recurrent.confusion,
      data.classNames,
    );
    const baselinePlots = await writeClassifierPlots(
      join(outDir, 'baseline'),
      `${options.task}: bag-of-features baseline`,
      baseline.history,
      scores.baseline.confusion,
      data.classNames,
    );
    const checkpoint = join(outDir, 'model.safetensors');
    await saveSafetensors(checkpoint, model.stateDict(), {
      task: options.task,
      config: JSON.stringify(model.options),
      vocabulary: JSON.stringify(tokenVocab),
      classNames: JSON.stringify(data.classNames),
      testAccuracy: String(scores.recurrent.accuracy),
    });
    return {
      backend: selected.name,
      sizes: { train: train.length, test: splits.test.length },
      baseline: scores.baseline,
      recurrent: scores.recurrent,
      table,
      predictions,
      files: [plots.learningCurve, plots.confusionMatrix, baselinePlots.learningCurve, checkpoint],
    };
  } finally {
    selected.release();
  }
}

/** `n` examples drawn without replacement (the first n of a seeded permutation). */
function subset(examples: readonly Example[], n: number, seed: number): Example[] {
  return [...permutation(examples.length, new Generator(seed + 7)).subarray(0, n)].map((i) => examples[i]!);
}
