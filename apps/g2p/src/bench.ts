import { Generator, tidy } from '@mlblocks/core-tensor';
import { Adam, clipGradNorm } from '@mlblocks/optim';
import { type AttentionKind, Seq2Seq, seq2seqConfig } from '@mlblocks/rnn-lm';
import { type BackendChoice, selectBackend } from 'lesson-kit';
import { epochBatches, makeBatch } from './batches.js';
import { BOS, EOS, LETTERS, loadCmudict, phonemeVocab } from './data.js';
import { requireSyncBackend } from './train.js';

/** One backend's training speed. */
export interface SpeedRow {
  backend: string;
  attention: AttentionKind;
  wordsPerSecond: number;
  /** Target tokens (phonemes and `</s>`) per second. */
  tokensPerSecond: number;
  steps: number;
}

/**
 * Training speed of the default model on real CMUdict batches: for each backend and attention kind,
 * `warmup` steps, then steps for `seconds`; words and target tokens per second of training step
 * (forward, backward, clipping, Adam). The backends run one after another in this process.
 */
export async function benchmark(options: {
  backends: BackendChoice[];
  attention: AttentionKind[];
  hidden: number;
  embedding: number;
  batchSize: number;
  seconds: number;
  warmup: number;
  log: (line: string) => void;
}): Promise<SpeedRow[]> {
  const data = loadCmudict();
  const vocab = phonemeVocab([...data.train, ...data.test]);
  const ids = new Map(vocab.map((p, i) => [p, i]));
  const rows: SpeedRow[] = [];
  for (const choice of options.backends) {
    const backend = await selectBackend(choice, options.log);
    try {
      requireSyncBackend(backend.name);
      for (const attention of options.attention) {
        const model = new Seq2Seq(
          seq2seqConfig({
            srcVocabSize: LETTERS.length,
            tgtVocabSize: vocab.length,
            bos: BOS,
            eos: EOS,
            embeddingDim: options.embedding,
            hiddenSize: options.hidden,
            attention,
          }),
        );
        const optimizer = new Adam(model.parameters(), { lr: 0.001 });
        const batches = epochBatches(data.train, options.batchSize, new Generator(0));
        let words = 0;
        let tokens = 0;
        let steps = 0;
        let started = 0;
        for (let i = 0; ; i++) {
          if (i === options.warmup) started = performance.now();
          if (i >= options.warmup && performance.now() - started > options.seconds * 1000) break;
          const batch = makeBatch(batches[i % batches.length]!, ids);
          tidy(() => {
            const loss = model.loss(batch.src, batch.tgtIn, batch.tgtOut, { srcLengths: batch.srcLengths });
            model.zeroGrad();
            loss.backward();
            clipGradNorm(model.parameters(), 5);
            optimizer.step();
            model.zeroGrad();
          });
          for (const a of [batch.src, batch.tgtIn, batch.tgtOut]) a.dispose();
          if (i >= options.warmup) {
            words += batch.entries.length;
            tokens += batch.tokens;
            steps++;
          }
        }
        const s = (performance.now() - started) / 1000;
        const row = {
          backend: backend.description,
          attention,
          wordsPerSecond: words / s,
          tokensPerSecond: tokens / s,
          steps,
        };
        rows.push(row);
        options.log(
          `${row.backend} | attention ${attention} | ${Math.round(row.wordsPerSecond)} words/s, ${Math.round(row.tokensPerSecond)} phonemes/s (${steps} steps of ${options.batchSize} words)`,
        );
        for (const p of model.parameters()) p.dispose();
      }
    } finally {
      backend.release();
    }
  }
  return rows;
}
