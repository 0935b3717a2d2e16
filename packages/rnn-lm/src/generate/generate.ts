import { noGrad } from '@mlblocks/autograd';
import { dispose, fromArray, Generator, type NDArray, tidy, ValueError } from '@mlblocks/core-tensor';
import type { Vocabulary } from '@mlblocks/datasets';
import { encodeText, joinTokens } from '../data/corpus.js';
import { type LMState, RecurrentLM } from '../models/recurrent.js';
import type { LanguageModel } from '../train/trainer.js';
import { checkSampling, type SamplingOptions, sampleToken } from './sampling.js';

/** Options of `generate`. */
export interface GenerateOptions extends SamplingOptions {
  /** How many tokens to produce. */
  tokens: number;
  /**
   * The text (or token ids) to continue. Characters outside a char model's vocabulary are an
   * `UnknownTokenError`; unknown words map to `<unk>`. Default: `<eos>` (word models) or a line
   * break (char models, when the text had one).
   */
  prime?: string | ArrayLike<number>;
  /** Seed of the sampling (default 0): the same seed, model and options give the same text. */
  seed?: number;
}

/** One generated token. */
export interface GeneratedToken {
  /** The token's id in the vocabulary. */
  id: number;
  /** The token (a character, or a word / `<eos>`). */
  token: string;
  /** Its text as it reads in the output (a word with its trailing space, `<eos>` as a line break). */
  text: string;
}

/**
 * Streams tokens from a language model: reads the prime, then samples one token at a time (see
 * `sampleToken`) and feeds it back — the recurrent state carried, or the window moved on.
 * Works on every backend (the logits of each step are read back asynchronously).
 *
 * @example
 * for await (const t of generate(model, vocab, { prime: 'ROMEO:', tokens: 200, temperature: 0.8, seed: 1 })) {
 *   process.stdout.write(t.text);
 * }
 */
export async function* generate(
  model: LanguageModel,
  vocab: Vocabulary,
  options: GenerateOptions,
): AsyncGenerator<GeneratedToken> {
  const op = 'generate';
  checkSampling(options, op);
  const { tokens, seed = 0 } = options;
  if (!(Number.isInteger(tokens) && tokens >= 0)) {
    throw new ValueError(op, `tokens must be an integer ≥ 0, got ${tokens}`);
  }
  if (vocab.size !== model.config.vocabSize) {
    throw new ValueError(
      op,
      `the vocabulary has ${vocab.size} tokens but the model ${model.config.vocabSize}`,
    );
  }
  const level = model.config.level;
  let prime: number[];
  if (typeof options.prime === 'string') prime = [...encodeText(vocab, level, options.prime, op)];
  else if (options.prime) prime = Array.from(options.prime);
  else prime = [];
  for (const id of prime) {
    if (!(Number.isInteger(id) && id >= 0 && id < vocab.size)) {
      throw new ValueError(op, `prime id ${id} is out of range [0, ${vocab.size})`);
    }
  }
  const start = vocab.has('<eos>') ? vocab.idOf('<eos>') : vocab.has('\n') ? vocab.idOf('\n') : 0;
  if (prime.length === 0) prime = [start];
  const backend = model.parameters()[0]!.array.backend.name;
  const generator = new Generator(seed);
  const wasTraining = model.training;
  model.eval();
  let state: LMState | undefined;
  const history = [...prime];
  try {
    let input = prime;
    for (let i = 0; i < tokens; i++) {
      const step = tidy(() =>
        noGrad((): { row: NDArray; state?: LMState } => {
          if (model instanceof RecurrentLM) {
            const ids = fromArray(Int32Array.from(input), { shape: [1, input.length], backend });
            const out = model.forward(ids, state);
            const row = out.logits.array.slice([input.length - 1, input.length]).contiguous();
            return { row, state: out.state };
          }
          const n = model.config.context;
          const ctx = Int32Array.from({ length: n }, (_, j) => history[history.length - n + j] ?? start);
          return { row: model.forward(fromArray(ctx, { shape: [1, n], backend })).array.clone() };
        }),
      );
      if (step.state) {
        if (state) dispose(state.flat());
        state = step.state;
      }
      const row = step.row;
      const logits = await row.data();
      row.dispose();
      const id = sampleToken(logits, options, generator);
      history.push(id);
      input = [id];
      const token = vocab.tokenOf(id);
      yield { id, token, text: joinTokens([token], level) };
    }
  } finally {
    if (state) dispose(state.flat());
    model.train(wasTraining);
  }
}

/** The whole continuation of `generate` as one string. */
export async function generateText(
  model: LanguageModel,
  vocab: Vocabulary,
  options: GenerateOptions,
): Promise<string> {
  let text = '';
  for await (const t of generate(model, vocab, options)) text += t.text;
  return text;
}
