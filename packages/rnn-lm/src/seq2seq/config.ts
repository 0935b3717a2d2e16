import { ValueError } from '@mlblocks/core-tensor';

/** The recurrent cell of the encoder and the decoder. */
export type Seq2SeqCell = 'lstm' | 'gru';
/** The cells `Seq2Seq` accepts. */
export const SEQ2SEQ_CELLS: readonly Seq2SeqCell[] = ['lstm', 'gru'];

/**
 * Attention of the decoder over the encoder's outputs:
 * - `'none'`: the encoder's final state is all the decoder sees (Sutskever et al., 2014);
 * - `'additive'`: Bahdanau et al. (2015) — `score(s, h_j) = vᵀ·tanh(W_q·s + W_k·h_j)` with the
 *   decoder's previous state `s_{t−1}` as the query; the context enters the cell's input;
 * - `'dot'`: Luong et al. (2015), global attention with the dot score `s_t·h_j` on the state after
 *   the cell, and input feeding (the previous attentional state enters the cell's input).
 */
export type AttentionKind = 'none' | 'additive' | 'dot';
/** The attention kinds `Seq2Seq` accepts. */
export const ATTENTION_KINDS: readonly AttentionKind[] = ['none', 'additive', 'dot'];

/** The shape of a `Seq2Seq` model (what a checkpoint records next to its weights). */
export interface Seq2SeqConfig {
  /** Source tokens (e.g. letters), padding included if the caller pads with a token of its own. */
  srcVocabSize: number;
  /** Target tokens (e.g. phonemes), `bos` and `eos` included. */
  tgtVocabSize: number;
  /** The target id the decoder starts from. */
  bos: number;
  /** The target id that ends a decoded sequence. */
  eos: number;
  /** Embedding size of source and target tokens. */
  embeddingDim: number;
  /** Hidden size of the decoder (and of the encoder's two directions together). */
  hiddenSize: number;
  /** LSTM or GRU cells. */
  cell: Seq2SeqCell;
  /** Read the source both ways, `hiddenSize / 2` units per direction (hiddenSize must be even). */
  bidirectional: boolean;
  /** Decoder attention over the encoder outputs. */
  attention: AttentionKind;
  /** Hidden size of the additive attention's `tanh` layer (ignored by the other kinds). */
  attentionDim: number;
  /** Dropout on the embeddings and on the decoder's output state, in training mode only. */
  dropout: number;
}

/** A config with defaults filled in: embeddings 64, hidden 256, LSTM, bidirectional, no attention. */
export function seq2seqConfig(
  config: Pick<Seq2SeqConfig, 'srcVocabSize' | 'tgtVocabSize' | 'bos' | 'eos'> & Partial<Seq2SeqConfig>,
): Seq2SeqConfig {
  const full: Seq2SeqConfig = {
    embeddingDim: 64,
    hiddenSize: 256,
    cell: 'lstm',
    bidirectional: true,
    attention: 'none',
    attentionDim: config.hiddenSize ?? 256,
    dropout: 0,
    ...config,
  };
  validateSeq2SeqConfig(full);
  return full;
}

/** Throws a `ValueError` naming the first field of `config` that no model can have. */
export function validateSeq2SeqConfig(config: Seq2SeqConfig, op = 'Seq2Seq'): void {
  const positive = ['srcVocabSize', 'tgtVocabSize', 'embeddingDim', 'hiddenSize', 'attentionDim'] as const;
  for (const key of positive) {
    const n = config[key];
    if (!Number.isInteger(n) || n < 1)
      throw new ValueError(op, `${key} must be a positive integer, got ${n}`);
  }
  for (const key of ['bos', 'eos'] as const) {
    const id = config[key];
    if (!Number.isInteger(id) || id < 0 || id >= config.tgtVocabSize) {
      throw new ValueError(op, `${key} must be a target id in [0, ${config.tgtVocabSize}), got ${id}`);
    }
  }
  if (!SEQ2SEQ_CELLS.includes(config.cell)) {
    throw new ValueError(op, `cell must be one of ${SEQ2SEQ_CELLS.join(', ')}, got '${config.cell}'`);
  }
  if (!ATTENTION_KINDS.includes(config.attention)) {
    throw new ValueError(
      op,
      `attention must be one of ${ATTENTION_KINDS.join(', ')}, got '${config.attention}'`,
    );
  }
  if (config.bidirectional && config.hiddenSize % 2 !== 0) {
    throw new ValueError(
      op,
      `a bidirectional encoder splits hiddenSize between its two directions: it must be even, got ${config.hiddenSize}`,
    );
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) {
    throw new ValueError(op, `dropout must be in [0, 1), got ${config.dropout}`);
  }
}
