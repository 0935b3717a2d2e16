import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createModel,
  type Evaluation,
  eosId,
  evaluateLMAsync,
  generateText,
  type LanguageModel,
  type LMCorpus,
  LMTrainer,
  lmConfig,
  type TrainOptions,
} from '@mlblocks/rnn-lm';
import { loadLMCheckpoint, saveLMCheckpoint } from '@mlblocks/rnn-lm/node';
import { type BackendChoice, selectBackend, trainingProgress, writePlot } from 'lesson-kit';
import { loadCorpus } from './corpus.js';
import { perplexitySpec } from './plot.js';
import type { RunSettings } from './presets.js';

/** A training run: its settings and where it writes and reports. */
export interface TrainRun extends RunSettings {
  backend: BackendChoice;
  outDir: string;
  /** Continue from `outDir/checkpoint` when it exists. */
  resume: boolean;
  progress: boolean | 'auto';
  log: (line: string) => void;
}

/** One line of metrics.jsonl. */
export interface MetricsRecord {
  step: number;
  trainLoss: number;
  validLoss: number;
  validPerplexity: number;
  validBits: number;
  tokensPerSecond: number;
  lr: number;
  seconds: number;
}

/** What `train` returns (for tests and callers). */
export interface TrainResult {
  corpus: LMCorpus;
  model: LanguageModel;
  records: MetricsRecord[];
  samples: string[];
}

/**
 * Trains the model the settings describe: live loss (progress bar), a sample every
 * `sampleEvery` steps, an evaluation every `evalEvery` steps (a log line, a metrics.jsonl record,
 * the checkpoint, the perplexity curve), until `steps` or `minutes`.
 */
export async function train(run: TrainRun): Promise<TrainResult> {
  const { log } = run;
  const backend = await selectBackend(run.backend, log);
  try {
    const corpus = loadCorpus(run.corpus, run.level);
    const tokensName = corpus.level === 'char' ? 'characters' : 'words';
    log(
      `corpus ${corpus.name}: ${corpus.vocab.size.toLocaleString('en-US')} ${corpus.level === 'char' ? 'characters' : 'word types'}; train ${corpus.train.length.toLocaleString('en-US')} ${tokensName}, valid ${corpus.valid.length.toLocaleString('en-US')}`,
    );
    const config = lmConfig({
      model: run.model,
      level: corpus.level,
      vocabSize: corpus.vocab.size,
      embeddingDim: run.embedding,
      hiddenSize: run.hidden,
      numLayers: run.model === 'window' ? 1 : run.layers,
      dropout: run.dropout,
      tied: run.tied,
      context: run.model === 'window' ? run.context : 0,
      initRange: run.initRange > 0 ? run.initRange : null,
    });
    const options: TrainOptions = {
      batchSize: run.batchSize,
      bptt: run.bptt,
      optimizer: run.optimizer,
      lr: run.lr,
      clip: run.clip > 0 ? run.clip : null,
      plateau: run.plateau > 0 ? { factor: run.plateau, patience: 0 } : null,
      seed: run.seed,
    };
    const ckptDir = join(run.outDir, 'checkpoint');
    await mkdir(run.outDir, { recursive: true });
    const metricsPath = join(run.outDir, 'metrics.jsonl');
    let model: LanguageModel;
    let trainer: LMTrainer;
    const records: MetricsRecord[] = [];
    if (run.resume) {
      const loaded = await loadLMCheckpoint(ckptDir, { backend: backend.name });
      model = loaded.model;
      trainer = new LMTrainer(model, corpus, loaded.info.train ?? options);
      if (loaded.trainer) trainer.loadStateDict(loaded.trainer, loaded.carried);
      log(`resumed from ${ckptDir} at step ${trainer.stepCount}`);
    } else {
      model = createModel(config, { seed: run.seed });
      trainer = new LMTrainer(model, corpus, options);
      await rm(metricsPath, { force: true });
    }
    log(
      `${model.config.model} LM (${describe(model)}), ${model.parameterCount().toLocaleString('en-US')} parameters; ${backend.description}`,
    );
    const valid = run.validTokens > 0 ? corpus.valid.subarray(0, run.validTokens) : corpus.valid;
    // the async forms run on every backend (WebGPU reads back asynchronously)
    const evaluate = (): Promise<Evaluation> =>
      evaluateLMAsync(model, valid, {
        batchSize: model.config.model === 'window' ? 1024 : (trainer.options.evalBatchSize ?? 10),
        bptt: trainer.options.bptt ?? 35,
        pad: eosId(corpus),
      });
    const unit = corpus.level === 'char' ? 'bits/char' : 'bits/word';
    const tokensPerStep = model.config.model === 'window' ? run.batchSize : run.batchSize * run.bptt;
    const samples: string[] = [];
    const sample = async () => {
      // NOTE: no prime: generate starts from <eos> (words) or a line break (characters)
      const text = await generateText(model, corpus.vocab, {
        tokens: corpus.level === 'char' ? 200 : 40,
        temperature: 0.8,
        seed: run.seed + trainer.stepCount,
      });
      samples.push(text);
      log(`--- sample at step ${trainer.stepCount} (temperature 0.8) ---\n${text.trim()}\n---`);
    };
    const bar = trainingProgress(run.progress, process.stderr, { unit: 'run' });
    const started = performance.now();
    let windowStart = performance.now();
    let windowTokens = 0;
    let lossSum = 0;
    let lossCount = 0;
    const deadline = run.minutes > 0 ? started + run.minutes * 60_000 : Number.POSITIVE_INFINITY;
    bar.startEpoch(1, 1, run.steps);
    const checkpoint = async (record: MetricsRecord) => {
      await saveLMCheckpoint(ckptDir, {
        model,
        vocab: corpus.vocab,
        corpus: corpus.name,
        trainer,
        meta: { validLoss: record.validLoss, validPerplexity: record.validPerplexity },
      });
    };
    while (trainer.stepCount < run.steps) {
      const loss = await trainer.stepAsync();
      lossSum += loss;
      lossCount++;
      windowTokens += tokensPerStep;
      bar.update(trainer.stepCount, { loss });
      const step = trainer.stepCount;
      const last = step >= run.steps || performance.now() > deadline;
      if (run.sampleEvery > 0 && step % run.sampleEvery === 0 && !last) {
        bar.stopEpoch();
        await sample();
        bar.startEpoch(1, 1, run.steps);
        bar.update(step, { loss });
      }
      if (step % run.evalEvery === 0 || last) {
        const tokensPerSecond = windowTokens / ((performance.now() - windowStart) / 1000);
        const v = await evaluate();
        trainer.observeValidLoss(v.loss);
        const record: MetricsRecord = {
          step,
          trainLoss: lossSum / lossCount,
          validLoss: v.loss,
          validPerplexity: v.perplexity,
          validBits: v.bits,
          tokensPerSecond,
          lr: trainer.lr,
          seconds: (performance.now() - started) / 1000,
        };
        records.push(record);
        await appendFile(metricsPath, `${JSON.stringify(record)}\n`);
        bar.stopEpoch();
        log(
          `step ${step}/${run.steps} | train loss ${record.trainLoss.toFixed(3)} | valid loss ${v.loss.toFixed(3)}, perplexity ${v.perplexity.toFixed(corpus.level === 'char' ? 2 : 1)}, ${v.bits.toFixed(3)} ${unit} | ${Math.round(tokensPerSecond).toLocaleString('en-US')} tokens/s | lr ${trainer.lr}`,
        );
        await checkpoint(record);
        if (!last) bar.startEpoch(1, 1, run.steps);
        lossSum = 0;
        lossCount = 0;
        windowTokens = 0;
        windowStart = performance.now();
      }
      if (last) break;
    }
    bar.stopEpoch();
    await sample();
    if (records.length > 0) {
      const plot = await writePlot(
        perplexitySpec(records, `${model.config.model} LM on ${corpus.name}`),
        run.outDir,
        'perplexity',
      );
      log(`wrote ${metricsPath}, ${plot.png}, ${plot.svg} and the checkpoint ${ckptDir}`);
    }
    trainer.dispose();
    return { corpus, model, records, samples };
  } finally {
    backend.release();
  }
}

function describe(model: LanguageModel): string {
  const c = model.config;
  if (c.model === 'window')
    return `context ${c.context}, embedding ${c.embeddingDim}, hidden ${c.hiddenSize}`;
  const input = c.embeddingDim > 0 ? `embedding ${c.embeddingDim}` : `one-hot ${c.vocabSize}`;
  return `${input}, ${c.numLayers} × ${c.hiddenSize}${c.dropout > 0 ? `, dropout ${c.dropout}` : ''}${c.tied ? ', tied' : ''}`;
}
