import { ValueError } from '@mlblocks/core-tensor';
import type { TokenLevel } from '../data/corpus.js';

/** The kinds of language model: the fixed-window LM or a recurrent LM with one of three cells. */
export type ModelKind = 'window' | 'rnn' | 'lstm' | 'gru';
/** Every `ModelKind`. */
export const MODEL_KINDS: readonly ModelKind[] = ['window', 'rnn', 'lstm', 'gru'];

/**
 * Everything that decides a model's parameters and their shapes — what a checkpoint's
 * `config.json` holds and what must match when weights are loaded.
 */
export interface LMConfig {
  /** Which model. */
  model: ModelKind;
  /** Whether it reads words or characters. */
  level: TokenLevel;
  /** V: the vocabulary size (the input and output classes). */
  vocabSize: number;
  /** Embedding size; 0 = one-hot input (recurrent models only, e.g. characters). */
  embeddingDim: number;
  /** Hidden units (per recurrent layer; the window model's tanh layer). */
  hiddenSize: number;
  /** Stacked recurrent layers (1 for the window model). */
  numLayers: number;
  /** Dropout on the embeddings, between layers and before the decoder (training only). */
  dropout: number;
  /** Decoder weight = embedding matrix (recurrent, needs embeddingDim = hiddenSize). */
  tied: boolean;
  /** The window model's context: the n previous tokens (0 for recurrent models). */
  context: number;
  /** The window model's direct connections from the context to the output (Bengio's W). */
  direct: boolean;
  /**
   * Initialise the embedding and decoder weights U(−r, r) and the decoder bias 0 (PyTorch's
   * word_language_model does, r = 0.1); null: the layers' own (PyTorch's) defaults.
   */
  initRange: number | null;
}

/** A config with every field filled from `partial` and the kind's defaults. */
export function lmConfig(partial: Partial<LMConfig> & Pick<LMConfig, 'model' | 'vocabSize'>): LMConfig {
  const window = partial.model === 'window';
  const config: LMConfig = {
    level: 'word',
    embeddingDim: window ? 60 : 200,
    hiddenSize: window ? 100 : 200,
    numLayers: window ? 1 : 2,
    dropout: 0,
    tied: false,
    context: window ? 4 : 0,
    direct: false,
    initRange: null,
    ...partial,
  };
  validateConfig(config);
  return config;
}

/** Checks a config's fields (the checkpoint loader and the models call it); throws `ValueError`. */
export function validateConfig(c: LMConfig, op = 'lmConfig'): void {
  const positive = (name: keyof LMConfig, min = 1) => {
    const v = c[name];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) {
      throw new ValueError(op, `${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
  };
  if (!MODEL_KINDS.includes(c.model)) {
    throw new ValueError(
      op,
      `model must be one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(c.model)}`,
    );
  }
  if (c.level !== 'word' && c.level !== 'char') {
    throw new ValueError(op, `level must be 'word' or 'char', got ${JSON.stringify(c.level)}`);
  }
  positive('vocabSize', 2);
  positive('hiddenSize');
  positive('numLayers');
  positive('embeddingDim', c.model === 'window' ? 1 : 0);
  if (c.model === 'window') {
    positive('context');
    if (c.tied) throw new ValueError(op, 'the window model has no tied embeddings');
  }
  if (!(typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1)) {
    throw new ValueError(op, `dropout must be in [0, 1), got ${c.dropout}`);
  }
  if (c.tied && c.embeddingDim !== c.hiddenSize) {
    throw new ValueError(
      op,
      `tied embeddings need embeddingDim = hiddenSize, got ${c.embeddingDim} and ${c.hiddenSize}`,
    );
  }
  if (c.initRange !== null && !(typeof c.initRange === 'number' && c.initRange > 0)) {
    throw new ValueError(op, `initRange must be a positive number or null, got ${c.initRange}`);
  }
}

/** The fields where two configs differ, as `name: a ≠ b` lines (empty when equal). */
export function configDifferences(a: LMConfig, b: LMConfig): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof LMConfig)[];
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${JSON.stringify(a[k])} ≠ ${JSON.stringify(b[k])}`);
}
