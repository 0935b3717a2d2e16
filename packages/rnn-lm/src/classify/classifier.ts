import { concat, type Tensor, tensor } from '@mlblocks/autograd';
import {
  checkOptions,
  fromArray,
  type Generator,
  type NDArray,
  oneHot,
  ShapeError,
  ValueError,
} from '@mlblocks/core-tensor';
import { Dropout, Embedding, GRU, Linear, LSTM, Module, RNN } from '@mlblocks/nn-layers';

/** The recurrent cell of a {@link SequenceClassifier}. */
export type SequenceCell = 'rnn' | 'lstm' | 'gru';
/** How a {@link SequenceClassifier} turns the states of a sequence into one vector. */
export type SequencePooling = 'last' | 'mean' | 'max';

/** Options of {@link SequenceClassifier}. */
export interface SequenceClassifierOptions {
  /** Token ids are in [0, vocabSize). */
  vocabSize: number;
  /** Classes the logits score (at least 2). */
  numClasses: number;
  /** `'embedding'` (learned vectors, default) or `'onehot'` (for characters: no parameters). */
  input?: 'embedding' | 'onehot';
  /** Size of the learned token vectors (default 32; ignored for one-hot input). */
  embeddingDim?: number;
  /** Default `'lstm'`. */
  cell?: SequenceCell;
  /** Default 64. */
  hiddenSize?: number;
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Read each sequence both ways and concatenate (default false). */
  bidirectional?: boolean;
  /** Dropout on the pooled vector and between stacked layers, in training mode (default 0). */
  dropout?: number;
  /**
   * `'last'` (default): the final states of the top layer (both directions' when bidirectional —
   * the forward one after the last real token, the backward one after the first); `'mean'` or
   * `'max'` over the top layer's outputs at the real (unpadded) steps.
   */
  pooling?: SequencePooling;
  /** Source of the initial weights' randomness (seeded runs are reproducible). */
  generator?: Generator;
  /** Backend of the parameters (default: the default backend). */
  backend?: string;
}

const OPTIONS = {
  vocabSize: true,
  numClasses: true,
  input: true,
  embeddingDim: true,
  cell: true,
  hiddenSize: true,
  numLayers: true,
  bidirectional: true,
  dropout: true,
  pooling: true,
  generator: true,
  backend: true,
} as const;

/**
 * A many-to-one recurrent model: tokens → embedding (or one-hot) → a stacked, optionally
 * bidirectional RNN/LSTM/GRU → one vector per sequence (last states, or mean/max over the real
 * steps) → dropout → Linear → class logits. Batches are padded `[B, T]` id matrices with their
 * lengths (see `padSequences`); the padding never changes a result (the recurrent layers run with
 * PyTorch's packed-sequence semantics).
 *
 * @example
 * const model = new SequenceClassifier({ vocabSize: 30, numClasses: 2, input: 'onehot', bidirectional: true });
 * const { tokens, lengths } = padSequences([[3, 4, 5], [6, 7]]);
 * const logits = model.forward(tokens, lengths); // [2, 2]
 */
export class SequenceClassifier extends Module {
  /** The settings, defaults filled in (what a checkpoint needs to rebuild the model). */
  readonly options: Required<Omit<SequenceClassifierOptions, 'generator' | 'backend'>>;
  /** The token vectors, or null for one-hot input. */
  embedding: Embedding | null;
  /** The stacked recurrent layers (batch-first), run with the batch's lengths. */
  encoder: RNN | LSTM | GRU;
  /** Dropout on the pooled vector, in training mode. */
  dropout: Dropout;
  /** The classifier on the pooled vector: `D·H → numClasses`. */
  head: Linear;

  constructor(options: SequenceClassifierOptions) {
    super();
    checkOptions('SequenceClassifier', options, OPTIONS);
    const o = {
      input: 'embedding' as const,
      embeddingDim: 32,
      cell: 'lstm' as const,
      hiddenSize: 64,
      numLayers: 1,
      bidirectional: false,
      dropout: 0,
      pooling: 'last' as const,
      ...options,
    };
    for (const key of ['vocabSize', 'numClasses', 'embeddingDim', 'hiddenSize', 'numLayers'] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1)
        throw new ValueError('SequenceClassifier', `${key} must be a positive integer, got ${o[key]}`);
    }
    if (o.numClasses < 2)
      throw new ValueError('SequenceClassifier', `numClasses must be at least 2, got ${o.numClasses}`);
    const oneOf = (key: 'input' | 'cell' | 'pooling', valid: readonly string[]) => {
      if (!valid.includes(o[key]))
        throw new ValueError(
          'SequenceClassifier',
          `${key} must be one of ${valid.join(', ')}, got '${o[key]}'`,
        );
    };
    oneOf('input', ['embedding', 'onehot']);
    oneOf('cell', ['rnn', 'lstm', 'gru']);
    oneOf('pooling', ['last', 'mean', 'max']);
    const { generator, backend, ...settings } = o;
    this.options = settings;
    const init = { generator, backend };
    this.embedding = o.input === 'embedding' ? new Embedding(o.vocabSize, o.embeddingDim, init) : null;
    const inputSize = o.input === 'embedding' ? o.embeddingDim : o.vocabSize;
    const layer = { numLayers: o.numLayers, bidirectional: o.bidirectional, batchFirst: true, ...init };
    const stacked = o.numLayers > 1 ? { ...layer, dropout: o.dropout } : layer;
    this.encoder =
      o.cell === 'lstm'
        ? new LSTM(inputSize, o.hiddenSize, stacked)
        : o.cell === 'gru'
          ? new GRU(inputSize, o.hiddenSize, stacked)
          : new RNN(inputSize, o.hiddenSize, stacked);
    this.dropout = new Dropout(o.dropout);
    this.head = new Linear(o.hiddenSize * (o.bidirectional ? 2 : 1), o.numClasses, init);
  }

  /** Class logits `[B, numClasses]` of a padded batch `tokens` `[B, T]` (int32) with its `lengths`. */
  forward(tokens: NDArray, lengths: readonly number[]): Tensor {
    return this.head.forward(this.dropout.forward(this.encode(tokens, lengths)));
  }

  /** The top layer's outputs `[B, T, D·H]` and final hidden states `[L·D, B, H]`. */
  private run(x: Tensor, lengths: readonly number[]): [Tensor, Tensor] {
    if (this.encoder instanceof LSTM) {
      const [outputs, [h]] = this.encoder.forward(x, undefined, { lengths });
      return [outputs, h];
    }
    return this.encoder.forward(x, undefined, { lengths });
  }

  /** The pooled vector of each sequence, `[B, D·H]` — what the head classifies. */
  encode(tokens: NDArray, lengths: readonly number[]): Tensor {
    const { vocabSize, numLayers, bidirectional, pooling } = this.options;
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
      throw new ShapeError(
        'SequenceClassifier.forward',
        `tokens must be an int32 [B, T] batch of ids (see padSequences), got ${tokens.dtype} [${tokens.shape}]`,
      );
    }
    const x = this.embedding ? this.embedding.forward(tokens) : tensor(oneHot(tokens, vocabSize));
    const [B, T] = tokens.shape as [number, number];
    const [outputs, state] = this.run(x, lengths);
    if (pooling === 'last') {
      const D = bidirectional ? 2 : 1;
      const top = Array.from({ length: D }, (_, d) => state.slice((numLayers - 1) * D + d)); // [B, H] each
      return D === 1 ? top[0]! : concat(top, -1);
    }
    // outputs [B, T, D·H] are zeros past each length: their sum over T is the sum over real steps
    const on = { backend: tokens.backend.name };
    if (pooling === 'mean') {
      const counts = fromArray(Float32Array.from(lengths), { shape: [B, 1], ...on });
      return outputs.sum(1).div(tensor(counts));
    }
    const padding = new Float32Array(B * T);
    lengths.forEach((n, b) => {
      padding.fill(-1e30, b * T + n, (b + 1) * T);
    });
    return outputs.add(tensor(fromArray(padding, { shape: [B, T, 1], ...on }))).max(1);
  }
}
