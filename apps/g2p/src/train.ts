import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackendError, Generator, getBackend, tidy } from '@mlblocks/core-tensor';
import { saveSafetensors } from '@mlblocks/nn-layers/node';
import { Adam, clipGradNorm, ReduceLROnPlateau } from '@mlblocks/optim';
import {
  type AttentionKind,
  Seq2Seq,
  type Seq2SeqCell,
  type Seq2SeqConfig,
  seq2seqConfig,
} from '@mlblocks/rnn-lm';
import { type BackendChoice, formatPercent, selectBackend, trainingProgress, writePlot } from 'lesson-kit';
import { epochBatches, makeBatch } from './batches.js';
import { BOS, type Entry, EOS, type G2PData, LETTERS, loadCmudict, phonemeVocab } from './data.js';
import { type ErrorRates, errorRates, predict } from './evaluate.js';
import { attentionSpec, learningCurvesSpec, type MetricsRecord } from './plot.js';

/** The settings of `train` (each a flag of the CLI). */
export interface TrainSettings {
  /** One model is trained per kind, in turn, with the same settings otherwise. */
  attention: AttentionKind[];
  cell: Seq2SeqCell;
  embedding: number;
  hidden: number;
  bidirectional: boolean;
  dropout: number;
  batchSize: number;
  lr: number;
  clip: number;
  /** Passes over the training words per model (the run stops earlier at `minutes`). */
  epochs: number;
  /** Training time per model, in minutes (0: no limit). */
  minutes: number;
  /** Evaluate (validation WER, a metrics line, the checkpoint) every this many steps and at each epoch's end. */
  evalEvery: number;
  /** Beam width of the final evaluation (besides greedy). */
  beam: number;
  /** Held-out words decoded with beam search (0: all); greedy always decodes all of them. */
  beamWords: number;
  /** Keep the stress digits of the vowels (69 phonemes instead of 39). */
  stress: boolean;
  /** Use only the first n training words (0: all), for quick runs and tests. */
  trainWords: number;
  seed: number;
}

/** A run: settings and where it writes and reports. */
export interface TrainRun extends TrainSettings {
  backend: BackendChoice;
  outDir: string;
  progress: boolean | 'auto';
  log: (line: string) => void;
  /** The dictionary (default: CMUdict); tests pass a small one. */
  data?: G2PData;
}

/** What one model reached on the held-out words. */
export interface ModelResult {
  attention: AttentionKind;
  greedy: ErrorRates;
  beam: ErrorRates;
  /** Greedy on the same words as beam, for a like-for-like comparison. */
  greedyOnBeamWords: ErrorRates;
  epochs: number;
  seconds: number;
  wordsPerSecond: number;
  parameters: number;
  checkpoint: string;
}

/** What a G2P checkpoint folder's `g2p.json` holds besides the weights. */
export interface CheckpointInfo {
  config: Seq2SeqConfig;
  letters: string[];
  phonemes: string[];
  stress: boolean;
  settings: TrainSettings;
  result?: Omit<ModelResult, 'checkpoint'>;
}

/** Words whose attention maps every run draws. */
export const SHOWCASE_WORDS = ['phoenix', 'knight', 'thought', 'psychology', 'mlblocks'];
/** Validation words: the training words whose index is 0 mod 100 (1%), not trained on. */
export function splitValidation(train: readonly Entry[]): { fit: Entry[]; valid: Entry[] } {
  return { fit: train.filter((_, i) => i % 100 !== 0), valid: train.filter((_, i) => i % 100 === 0) };
}

/**
 * Trains one encoder–decoder per attention kind on CMUdict's training words and reports greedy
 * and beam-search WER and PER on the held-out 5%, writing for each model `metrics.jsonl`, a
 * checkpoint (`model.safetensors`, `g2p.json`) and attention heat maps, and learning curves of all.
 */
export async function train(run: TrainRun): Promise<ModelResult[]> {
  const { log } = run;
  const backend = await selectBackend(run.backend, log);
  try {
    requireSyncBackend(backend.name);
    const data = run.data ?? loadCmudict({ stress: run.stress });
    const { fit: allFit, valid } = splitValidation(data.train);
    const fit = run.trainWords > 0 ? allFit.slice(0, run.trainWords) : allFit;
    const vocab = phonemeVocab([...data.train, ...data.test]);
    const phonemeIds = new Map(vocab.map((p, i) => [p, i]));
    log(
      `CMUdict: ${fit.length.toLocaleString('en-US')} training words, ${valid.length.toLocaleString('en-US')} validation, ${data.test.length.toLocaleString('en-US')} held out (test); ${data.variants.toLocaleString('en-US')} extra pronunciations and ${data.dropped.toLocaleString('en-US')} spellings with other characters skipped; ${vocab.length - 3} phonemes${run.stress ? ' (with stress)' : ''}; ${backend.description}`,
    );
    await mkdir(run.outDir, { recursive: true });
    const results: ModelResult[] = [];
    const allRecords: MetricsRecord[] = [];
    for (const attention of run.attention) {
      const r = await trainOne(
        run,
        attention,
        { fit, valid, test: data.test, vocab, phonemeIds },
        allRecords,
      );
      results.push(r);
    }
    if (allRecords.length > 0) {
      const plot = await writePlot(
        learningCurvesSpec(allRecords, 'G2P on CMUdict'),
        run.outDir,
        'learning-curves',
      );
      log(`wrote ${plot.png} and ${plot.svg}`);
    }
    log(resultTable(results, run));
    await writeFile(join(run.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    return results;
  } finally {
    backend.release();
  }
}

interface Split {
  fit: Entry[];
  valid: Entry[];
  test: Entry[];
  vocab: string[];
  phonemeIds: Map<string, number>;
}

async function trainOne(
  run: TrainRun,
  attention: AttentionKind,
  split: Split,
  allRecords: MetricsRecord[],
): Promise<ModelResult> {
  const { log } = run;
  const dir = join(run.outDir, attention);
  await mkdir(dir, { recursive: true });
  const metricsPath = join(dir, 'metrics.jsonl');
  await rm(metricsPath, { force: true });
  const config = seq2seqConfig({
    srcVocabSize: LETTERS.length,
    tgtVocabSize: split.vocab.length,
    bos: BOS,
    eos: EOS,
    embeddingDim: run.embedding,
    hiddenSize: run.hidden,
    cell: run.cell,
    bidirectional: run.bidirectional,
    attention,
    dropout: run.dropout,
  });
  const model = new Seq2Seq(config, { seed: run.seed });
  const optimizer = new Adam(model.parameters(), { lr: run.lr });
  const plateau = new ReduceLROnPlateau(optimizer, { mode: 'min', factor: 0.5, patience: 2 });
  const generator = new Generator(run.seed);
  log(
    `\n== attention ${attention}: ${run.bidirectional ? 'bidirectional ' : ''}${run.cell.toUpperCase()} encoder–decoder, embedding ${run.embedding}, hidden ${run.hidden}, ${model.parameterCount().toLocaleString('en-US')} parameters; Adam lr ${run.lr}, batch ${run.batchSize}${run.minutes > 0 ? `, at most ${run.minutes} min` : ''}`,
  );
  const bar = trainingProgress(run.progress, process.stderr);
  const started = performance.now();
  const deadline = run.minutes > 0 ? started + run.minutes * 60_000 : Number.POSITIVE_INFINITY;
  let step = 0;
  let words = 0;
  let trainSeconds = 0;
  let lossSum = 0;
  let lossTokens = 0;
  let epochsDone = 0;
  let stop = false;
  const evaluate = async (epoch: number) => {
    const { phonemes } = predict(model, split.valid, split.vocab, split.phonemeIds, { beam: 1 });
    const v = errorRates(split.valid, phonemes);
    const record: MetricsRecord = {
      attention,
      epoch,
      step,
      trainLoss: lossSum / Math.max(1, lossTokens),
      validWer: v.wer,
      validPer: v.per,
      wordsPerSecond: words / Math.max(1e-9, trainSeconds),
      seconds: (performance.now() - started) / 1000,
    };
    allRecords.push(record);
    await appendFile(metricsPath, `${JSON.stringify(record)}\n`);
    log(
      `epoch ${epoch.toFixed(2)} step ${step} | train loss ${record.trainLoss.toFixed(3)} | valid WER ${formatPercent(v.wer)}, PER ${formatPercent(v.per)} (greedy) | ${Math.round(record.wordsPerSecond)} words/s | lr ${optimizer.paramGroups[0]!.lr}`,
    );
    plateau.step(v.wer);
    await saveCheckpoint(dir, model, split.vocab, run);
    lossSum = 0;
    lossTokens = 0;
  };
  for (let epoch = 0; epoch < run.epochs && !stop; epoch++) {
    const batches = epochBatches(split.fit, run.batchSize, generator);
    bar.startEpoch(epoch + 1, run.epochs, batches.length);
    for (let i = 0; i < batches.length; i++) {
      const t0 = performance.now();
      const batch = makeBatch(batches[i]!, split.phonemeIds);
      const loss = tidy(() => {
        const l = model.loss(batch.src, batch.tgtIn, batch.tgtOut, { srcLengths: batch.srcLengths });
        model.zeroGrad();
        l.backward();
        if (run.clip > 0) clipGradNorm(model.parameters(), run.clip);
        optimizer.step();
        model.zeroGrad();
        return l.item();
      });
      batch.src.dispose();
      batch.tgtIn.dispose();
      batch.tgtOut.dispose();
      trainSeconds += (performance.now() - t0) / 1000;
      words += batch.entries.length;
      lossSum += loss * batch.tokens;
      lossTokens += batch.tokens;
      step++;
      bar.update(i + 1, { loss });
      stop = performance.now() > deadline;
      const last = i === batches.length - 1;
      if (stop || last || step % run.evalEvery === 0) {
        bar.stopEpoch();
        await evaluate(epoch + (i + 1) / batches.length);
        if (!stop && !last) {
          bar.startEpoch(epoch + 1, run.epochs, batches.length);
          bar.update(i + 1, { loss });
        }
      }
      if (stop) break;
    }
    epochsDone = epoch + (stop ? 0 : 1);
    bar.stopEpoch();
  }
  const seconds = (performance.now() - started) / 1000;
  const wordsPerSecond = words / trainSeconds;
  // the held-out words: greedy on all, beam search on all or the first beamWords
  const t0 = performance.now();
  const greedy = predict(model, split.test, split.vocab, split.phonemeIds, { beam: 1 });
  const greedyRates = errorRates(split.test, greedy.phonemes);
  const beamSet = run.beamWords > 0 ? split.test.slice(0, run.beamWords) : split.test;
  log(
    `decoded ${split.test.length.toLocaleString('en-US')} held-out words greedily in ${((performance.now() - t0) / 1000).toFixed(1)} s; beam search (width ${run.beam}) on ${beamSet.length.toLocaleString('en-US')}…`,
  );
  const t1 = performance.now();
  const beam = predict(model, beamSet, split.vocab, split.phonemeIds, { beam: run.beam });
  const beamRates = errorRates(beamSet, beam.phonemes);
  const greedyOnBeamWords = errorRates(beamSet, greedy.phonemes.slice(0, beamSet.length));
  log(
    `attention ${attention}: held-out WER ${formatPercent(greedyRates.wer)}, PER ${formatPercent(greedyRates.per)} (greedy, ${greedyRates.words} words); beam ${run.beam}: WER ${formatPercent(beamRates.wer)}, PER ${formatPercent(beamRates.per)} (${beamRates.words} words, ${((performance.now() - t1) / 1000).toFixed(1)} s; greedy on those: WER ${formatPercent(greedyOnBeamWords.wer)})`,
  );
  const result: ModelResult = {
    attention,
    greedy: greedyRates,
    beam: beamRates,
    greedyOnBeamWords,
    epochs: Number((allRecords.at(-1)?.epoch ?? epochsDone).toFixed(3)),
    seconds,
    wordsPerSecond,
    parameters: model.parameterCount(),
    checkpoint: dir,
  };
  await saveCheckpoint(dir, model, split.vocab, run, result);
  // examples and attention maps
  const shown = predict(
    model,
    SHOWCASE_WORDS.map((word) => ({ word, phonemes: [] })),
    split.vocab,
    split.phonemeIds,
    { beam: 1 },
  );
  for (const [i, word] of SHOWCASE_WORDS.entries()) {
    const d = shown.decoded[i]!;
    log(`  ${word} → ${shown.phonemes[i]!.join(' ')}`);
    if (d.attention.length > 0) {
      await writePlot(
        attentionSpec(word, shown.phonemes[i]!, d.attention, `${word}: attention (${attention})`),
        join(dir, 'attention'),
        word,
      );
    }
  }
  if (attention !== 'none') log(`wrote attention maps to ${join(dir, 'attention')}`);
  return result;
}

async function saveCheckpoint(
  dir: string,
  model: Seq2Seq,
  phonemes: string[],
  run: TrainRun,
  result?: ModelResult,
): Promise<void> {
  const settings: TrainSettings = pickSettings(run);
  const info: CheckpointInfo = {
    config: model.config,
    letters: LETTERS,
    phonemes,
    stress: run.stress,
    settings,
    ...(result ? { result: withoutCheckpoint(result) } : {}),
  };
  await saveSafetensors(join(dir, 'model.safetensors'), model.stateDict(), { format: 'mlblocks-g2p' });
  await writeFile(join(dir, 'g2p.json'), `${JSON.stringify(info, null, 2)}\n`);
}

function withoutCheckpoint({ checkpoint: _c, ...rest }: ModelResult): Omit<ModelResult, 'checkpoint'> {
  return rest;
}

function pickSettings(run: TrainRun): TrainSettings {
  const { backend: _b, outDir: _o, progress: _p, log: _l, data: _d, ...settings } = run;
  return settings;
}

/**
 * Training (gradient clipping, the loss each step) and decoding read values back at every step:
 * only backends that can do so synchronously (CPU, WebAssembly) fit this app.
 */
export function requireSyncBackend(name: string): void {
  if (!getBackend(name).readSync) {
    throw new BackendError(
      'g2p',
      `training and decoding read values back at every step, which '${name}' cannot do synchronously; use --backend wasm or cpu`,
    );
  }
}

/** The results as a table: WER and PER per attention kind, greedy and beam. */
export function resultTable(results: readonly ModelResult[], run: TrainSettings): string {
  const rows = results.map(
    (r) =>
      `| ${r.attention.padEnd(9)} | ${formatPercent(r.greedy.wer).padStart(7)} | ${formatPercent(r.greedy.per).padStart(7)} | ${formatPercent(r.beam.wer).padStart(7)} | ${formatPercent(r.beam.per).padStart(7)} | ${r.epochs.toFixed(2).padStart(6)} | ${(r.seconds / 60).toFixed(1).padStart(5)} | ${Math.round(r.wordsPerSecond).toString().padStart(7)} |`,
  );
  const beamWords = results[0]?.beam.words ?? 0;
  return [
    '',
    `held-out words: greedy on ${results[0]?.greedy.words ?? 0}, beam ${run.beam} on ${beamWords}`,
    '| attention | greedy WER | PER | beam WER | PER | epochs | min | words/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
