import type { ModelKind, TokenLevel } from '@mlblocks/rnn-lm';

/** Everything `train` needs besides where it writes and how it reports. */
export interface RunSettings {
  model: ModelKind;
  level: TokenLevel;
  /** `sotu`, `shakespeare`, `moby-dick`, or a path to a text file. */
  corpus: string;
  /** Embedding size; 0 = one-hot input (recurrent char models). */
  embedding: number;
  hidden: number;
  layers: number;
  dropout: number;
  tied: boolean;
  /** The window model's context (previous tokens). */
  context: number;
  /** U(±r) init of embedding and decoder, decoder bias 0; 0 = the layers' defaults. */
  initRange: number;
  batchSize: number;
  bptt: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  /** Gradient-norm clip; 0 = none. */
  clip: number;
  /** Multiply the LR by this when valid loss stops improving; 0 = constant LR. */
  plateau: number;
  steps: number;
  /** Stop training after this many minutes (0 = no limit). */
  minutes: number;
  /** Evaluate on valid (metrics.jsonl, checkpoint) every n steps and at the end. */
  evalEvery: number;
  /** Print a sample every n steps (0 = never). */
  sampleEvery: number;
  /** Evaluate on the first n valid tokens only (0 = the whole valid stream). */
  validTokens: number;
  seed: number;
}

/** The reference runs (data, model, optimizer, seed), reproduced exactly by `--preset`. */
/** The char LSTM reference run (one-hot 65 → 2 × LSTM 256, Adam 2e-3, clip 5, 500 steps). */
const SHAKESPEARE_LSTM = {
  model: 'lstm',
  level: 'char',
  corpus: 'shakespeare',
  embedding: 0,
  hidden: 256,
  layers: 2,
  dropout: 0,
  tied: false,
  context: 0,
  initRange: 0,
  batchSize: 32,
  bptt: 100,
  optimizer: 'adam',
  lr: 2e-3,
  clip: 5,
  plateau: 0,
  steps: 500,
  evalEvery: 250,
  sampleEvery: 50,
} satisfies Partial<RunSettings>;

export const PRESETS = {
  'sotu-lstm': {
    model: 'lstm',
    level: 'word',
    corpus: 'sotu',
    embedding: 200,
    hidden: 200,
    layers: 2,
    dropout: 0.2,
    tied: false,
    context: 0,
    initRange: 0.1,
    batchSize: 20,
    bptt: 35,
    optimizer: 'sgd',
    lr: 20,
    clip: 0.25,
    plateau: 0,
    steps: 882,
    evalEvery: 250,
    sampleEvery: 250,
  },
  'sotu-window': {
    model: 'window',
    level: 'word',
    corpus: 'sotu',
    embedding: 60,
    hidden: 100,
    layers: 1,
    dropout: 0,
    tied: false,
    context: 4,
    initRange: 0,
    batchSize: 256,
    bptt: 35,
    optimizer: 'adam',
    lr: 1e-3,
    clip: 0,
    plateau: 0,
    steps: 2994,
    evalEvery: 500,
    sampleEvery: 500,
  },
  'shakespeare-lstm': SHAKESPEARE_LSTM,
  // the char RNN: the char LSTM's settings with tanh-RNN cells
  'shakespeare-rnn': { ...SHAKESPEARE_LSTM, model: 'rnn' },
} satisfies Record<string, Partial<RunSettings>>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/**
 * The default run (no flags): the char LSTM of `shakespeare-lstm`, stopped after 4 minutes,
 * with a sample every 25 steps and quick evaluations on the first 20,000 valid characters.
 */
export const DEFAULTS: RunSettings = {
  ...PRESETS['shakespeare-lstm'],
  steps: 2000,
  minutes: 4,
  evalEvery: 100,
  sampleEvery: 25,
  validTokens: 20_000,
  seed: 0,
};

/** A preset's settings with the whole valid stream and no time limit (what the reference runs measure). */
export function presetSettings(name: PresetName): RunSettings {
  return { ...DEFAULTS, ...PRESETS[name], minutes: 0, validTokens: 0, seed: 0 };
}
