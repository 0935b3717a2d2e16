import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@mlblocks/rnn-lm';
import { loadLMCheckpoint } from '@mlblocks/rnn-lm/node';
import { type BackendChoice, selectBackend } from 'lesson-kit';

/** What `generate` reads from its flags. */
export interface GenerateRun {
  /** A checkpoint folder, or a train `--out` folder holding `checkpoint/`. */
  checkpoint: string;
  prime?: string;
  tokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  backend: BackendChoice;
  /** Where the text streams to, token by token. */
  write: (text: string) => void;
  log: (line: string) => void;
}

/** Loads a checkpoint and streams a continuation of the prime; returns the generated text. */
export async function generateFromCheckpoint(run: GenerateRun): Promise<string> {
  const backend = await selectBackend(run.backend, run.log);
  try {
    const dir = existsSync(join(run.checkpoint, 'checkpoint', 'config.json'))
      ? join(run.checkpoint, 'checkpoint')
      : run.checkpoint;
    const { model, vocab, info } = await loadLMCheckpoint(dir, { backend: backend.name });
    run.log(`${info.config.model} LM trained ${info.step} steps on ${info.corpus} (${dir})`);
    if (run.prime) run.write(run.prime);
    let text = '';
    for await (const t of generate(model, vocab, {
      prime: run.prime,
      tokens: run.tokens,
      temperature: run.temperature,
      topK: run.topK,
      topP: run.topP,
      seed: run.seed,
    })) {
      run.write(t.text);
      text += t.text;
    }
    run.write('\n');
    return text;
  } finally {
    backend.release();
  }
}
