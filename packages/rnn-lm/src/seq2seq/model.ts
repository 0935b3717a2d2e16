import { concat, softmaxCrossEntropy, stack, type Tensor, tensor } from '@mlblocks/autograd';
import {
  DTypeError,
  fromArray,
  Generator,
  type NDArray,
  ShapeError,
  ValueError,
} from '@mlblocks/core-tensor';
import { Embedding, GRUCell, Linear, LSTMCell, Module } from '@mlblocks/nn-layers';
import { AdditiveAttention, attend, DotAttention } from './attention.js';
import { type Seq2SeqConfig, validateSeq2SeqConfig } from './config.js';

/** The label `Seq2Seq.loss` ignores: the padding after each target's `eos`. */
export const IGNORE_INDEX = -100;

/** Where `Seq2Seq` puts its weights and how it draws them. */
export interface Seq2SeqOptions {
  /** Seed of the initial weights (and of the dropout masks). Default 0. */
  seed?: number;
  /** Backend of the parameters (default: the default backend). */
  backend?: string;
}

/** The encoder's outputs, read by every decoder step. */
export interface EncoderMemory {
  /** The encoder outputs `h_j`, batch-major `[B, S, H]` (both directions concatenated). */
  values: Tensor;
  /** What the attention scores read of the values (`[B, S, K]`), null without attention. */
  keys: Tensor | null;
  /** `[B, S]`: 0 at real positions, −1e9 at padding; null when every source has length S. */
  mask: Tensor | null;
  /** The encoder's final state, the decoder's initial state: `[h]` or `[h, c]`, each `[B, H]`. */
  final: Tensor[];
}

/** The decoder's state between steps. */
export interface DecoderState {
  /** The cell state: `[h]` (GRU) or `[h, c]` (LSTM), each `[B, H]`. */
  cell: Tensor[];
  /** The previous attentional state `h̃_{t−1}` `[B, H]` fed back into the input (dot attention only). */
  feed: Tensor | null;
}

/** One decoder step's result. */
export interface DecoderStep {
  /** Scores of the next token, `[B, V]`. */
  logits: Tensor;
  /** The state after this step (to pass to the next). */
  state: DecoderState;
  /** The attention weights of this step `[B, S]`, null without attention. */
  weights: Tensor | null;
}

/** What `Seq2Seq.forward` returns. */
export interface Seq2SeqOutput {
  /** `[B, T, V]`: row `[b, t]` scores the token after `tgtIn[b, t]`. */
  logits: Tensor;
  /** `[B, T, S]`: the attention weights of every step, null without attention. */
  attention: Tensor | null;
}

const MASKED = -1e9;

/**
 * An encoder–decoder (Sutskever, Vinyals & Le, 2014; Cho et al., 2014) that reads a source
 * sequence and writes a target sequence of another length:
 *
 * ```text
 * encoder   h_j = [→h_j; ←h_j]                  a (bidirectional) LSTM/GRU over the source embeddings
 * decoder   s_0 = [→h_S; ←h_1]                   its final states start the decoder
 *           s_t = cell(E·y_{t−1} [; c_t or h̃_{t−1}], s_{t−1})
 * attention α_t = softmax_j score(query, h_j),  c_t = Σ_j α_tj·h_j
 *           h̃_t = tanh(W_c·[c_t; s_t])          (without attention h̃_t = s_t)
 * output    p(y_t | y_<t, x) = softmax(W_o·h̃_t + b_o)
 * ```
 *
 * With `'additive'` attention the query is `s_{t−1}` and `c_t` enters the cell (Bahdanau); with
 * `'dot'` the query is `s_t` and `h̃_{t−1}` enters the cell (Luong's input feeding). Training uses
 * teacher forcing: `forward` feeds the true previous token `y_{t−1}`; `greedyDecode` and
 * `beamSearch` feed the model's own.
 *
 * Sources of several lengths are padded to the longest and passed with `srcLengths`: the encoder's
 * state does not move on padded steps (each direction's final state is that of the real tokens)
 * and attention gives padding weight 0, so padding changes nothing.
 *
 * @example
 * const model = new Seq2Seq(seq2seqConfig({ srcVocabSize: 28, tgtVocabSize: 42, bos: 1, eos: 2, attention: 'dot' }));
 * const loss = model.loss(src, tgtIn, tgtOut, { srcLengths }); // src int32 [B, S], tgtIn/tgtOut [B, T]
 * loss.backward();
 */
export class Seq2Seq extends Module {
  /** The model's shape (a copy of the config it was built with). */
  readonly config: Seq2SeqConfig;
  /** Embeddings of the source tokens, `[srcVocabSize, embeddingDim]`. */
  srcEmbedding: Embedding;
  /** Embeddings of the target tokens fed back into the decoder, `[tgtVocabSize, embeddingDim]`. */
  tgtEmbedding: Embedding;
  /** The encoder cells: forwards, and backwards when bidirectional. */
  encoderCells: (LSTMCell | GRUCell)[] = [];
  /** The decoder's cell: input `E` (plus `H` with attention), state `H`. */
  decoderCell: LSTMCell | GRUCell;
  /** The attention module (null with `attention: 'none'`). */
  attention: AdditiveAttention | DotAttention | null;
  /** `W_c`: `[c_t; s_t]` → `h̃_t` (null without attention). */
  combine: Linear | null;
  /** `W_o`, `b_o`: `h̃_t` → logits. */
  output: Linear;
  /** Draws the dropout masks. */
  readonly dropoutGenerator: Generator;

  constructor(config: Seq2SeqConfig, options: Seq2SeqOptions = {}) {
    super();
    validateSeq2SeqConfig(config);
    this.config = { ...config };
    const generator = new Generator(options.seed ?? 0);
    this.dropoutGenerator = new Generator((options.seed ?? 0) + 1);
    const init = { generator, backend: options.backend };
    const { srcVocabSize, tgtVocabSize, embeddingDim: E, hiddenSize: H } = config;
    const Cell = config.cell === 'lstm' ? LSTMCell : GRUCell;
    this.srcEmbedding = new Embedding(srcVocabSize, E, init);
    this.tgtEmbedding = new Embedding(tgtVocabSize, E, init);
    const directions = config.bidirectional ? 2 : 1;
    for (let d = 0; d < directions; d++) this.encoderCells.push(new Cell(E, H / directions, init));
    this.decoderCell = new Cell(config.attention === 'none' ? E : E + H, H, init);
    this.attention =
      config.attention === 'additive'
        ? new AdditiveAttention(H, H, config.attentionDim, init)
        : config.attention === 'dot'
          ? new DotAttention()
          : null;
    this.combine = this.attention ? new Linear(2 * H, H, init) : null;
    this.output = new Linear(H, tgtVocabSize, init);
  }

  /**
   * Reads the sources `src` (int32 `[B, S]`, padded after each source's `srcLengths[b]` tokens
   * with any valid id) and returns what the decoder reads.
   */
  encode(src: NDArray, srcLengths?: readonly number[]): EncoderMemory {
    const op = 'Seq2Seq.encode';
    if (src.dtype !== 'int32') throw new DTypeError(op, `src must be int32 token ids, got ${src.dtype}`);
    if (src.rank !== 2) throw new ShapeError(op, `src must have shape [B, S], got [${src.shape.join(',')}]`);
    const [batch, steps] = src.shape as [number, number];
    if (steps === 0 || batch === 0) throw new ShapeError(op, `empty source batch [${src.shape.join(',')}]`);
    const lengths = checkLengths(op, srcLengths, batch, steps);
    const padded = lengths?.some((n) => n < steps) ?? false;
    const backend = src.backend.name;
    const x = this.drop(this.srcEmbedding.forward(src.transpose(0, 1))); // [S, B, E]
    // keep[t]: [B, 1], 1 where step t is a real token of source b
    const keep = padded
      ? Array.from({ length: steps }, (_, t) =>
          tensor(
            fromArray(
              lengths!.map((n) => (t < n ? 1 : 0)),
              { shape: [batch, 1], backend },
            ),
          ),
        )
      : null;
    const outputs: Tensor[] = [];
    const finals: Tensor[][] = [];
    this.encoderCells.forEach((cell, d) => {
      const projected = cell.project(x); // [S, B, gates·H]
      let state = cell.zeroState(batch, x);
      const hs: Tensor[] = new Array(steps);
      for (let i = 0; i < steps; i++) {
        const t = d === 0 ? i : steps - 1 - i;
        let next = cell.step(projected.slice(t), state);
        // NOTE: on padding the state stays as it was: s + keep·(s' − s)
        if (keep) next = next.map((n, j) => state[j]!.add(n.sub(state[j]!).mul(keep[t]!)));
        state = next;
        hs[t] = state[0]!;
      }
      outputs.push(stack(hs, 1)); // [B, S, H/D]
      finals.push(state);
    });
    const values = outputs.length === 1 ? outputs[0]! : concat(outputs, -1);
    const final = finals[0]!.map((_, j) =>
      finals.length === 1
        ? finals[0]![j]!
        : concat(
            finals.map((f) => f[j]!),
            -1,
          ),
    );
    const mask =
      padded && this.attention
        ? tensor(
            fromArray(
              lengths!.flatMap((n) => Array.from({ length: steps }, (_, j) => (j < n ? 0 : MASKED))),
              { shape: [batch, steps], backend },
            ),
          )
        : null;
    return { values, keys: this.attention ? this.attention.keys(values) : null, mask, final };
  }

  /** The decoder's state before its first step. */
  initialState(memory: EncoderMemory): DecoderState {
    const batch = memory.values.shape[0]!;
    const feed =
      this.config.attention === 'dot'
        ? tensor(zerosLikeRows(memory.values, batch, this.config.hiddenSize))
        : null;
    return { cell: memory.final, feed };
  }

  /** One decoder step from the previous tokens `prev` (int32 `[B]`). */
  step(memory: EncoderMemory, prev: NDArray, state: DecoderState): DecoderStep {
    const { attention } = this.config;
    const e = this.drop(this.tgtEmbedding.forward(prev)); // [B, E]
    const cell = this.decoderCell;
    if (attention === 'none') {
      const next = cell.step(cell.project(e), state.cell);
      return {
        logits: this.output.forward(this.drop(next[0]!)),
        state: { cell: next, feed: null },
        weights: null,
      };
    }
    const attn = this.attention!;
    if (attention === 'additive') {
      const { context, weights } = attend(
        attn.score(state.cell[0]!, memory.keys!),
        memory.values,
        memory.mask,
      );
      const next = cell.step(cell.project(concat([e, context], -1)), state.cell);
      const out = this.combine!.forward(concat([context, next[0]!], -1)).tanh();
      return { logits: this.output.forward(this.drop(out)), state: { cell: next, feed: null }, weights };
    }
    const next = cell.step(cell.project(concat([e, state.feed!], -1)), state.cell);
    const { context, weights } = attend(attn.score(next[0]!, memory.keys!), memory.values, memory.mask);
    const out = this.combine!.forward(concat([context, next[0]!], -1)).tanh();
    return { logits: this.output.forward(this.drop(out)), state: { cell: next, feed: out }, weights };
  }

  /**
   * Teacher forcing: runs the decoder over the true previous tokens `tgtIn` (int32 `[B, T]`, each
   * row `bos y_1 … y_{n}` padded with any valid id) and returns the logits of every step.
   */
  forward(src: NDArray, tgtIn: NDArray, options: { srcLengths?: readonly number[] } = {}): Seq2SeqOutput {
    const op = 'Seq2Seq.forward';
    if (tgtIn.dtype !== 'int32')
      throw new DTypeError(op, `tgtIn must be int32 token ids, got ${tgtIn.dtype}`);
    if (tgtIn.rank !== 2 || tgtIn.shape[0] !== src.shape[0] || tgtIn.shape[1] === 0) {
      throw new ShapeError(
        op,
        `tgtIn must have shape [B, T] with T ≥ 1 and the batch of src [${src.shape.join(',')}], got [${tgtIn.shape.join(',')}]`,
      );
    }
    const memory = this.encode(src, options.srcLengths);
    let state = this.initialState(memory);
    const steps = tgtIn.shape[1]!;
    const logits: Tensor[] = [];
    const weights: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const r = this.step(memory, tgtIn.slice(null, t).contiguous(), state);
      logits.push(r.logits);
      if (r.weights) weights.push(r.weights);
      state = r.state;
    }
    return { logits: stack(logits, 1), attention: weights.length > 0 ? stack(weights, 1) : null };
  }

  /**
   * The mean cross-entropy per target token under teacher forcing. `tgtOut` (int32 `[B, T]`) holds
   * the tokens to predict, `y_1 … y_n eos`, then `IGNORE_INDEX` (−100) on padding.
   */
  loss(
    src: NDArray,
    tgtIn: NDArray,
    tgtOut: NDArray,
    options: { srcLengths?: readonly number[] } = {},
  ): Tensor {
    const { logits } = this.forward(src, tgtIn, options);
    return softmaxCrossEntropy(logits, tgtOut, { ignoreIndex: IGNORE_INDEX });
  }

  private drop(x: Tensor): Tensor {
    const p = this.config.dropout;
    return p > 0 && this.training ? x.dropout(p, { training: true, generator: this.dropoutGenerator }) : x;
  }
}

function zerosLikeRows(like: Tensor, rows: number, cols: number): NDArray {
  return fromArray(new Float32Array(rows * cols), { shape: [rows, cols], backend: like.array.backend.name });
}

function checkLengths(
  op: string,
  lengths: readonly number[] | undefined,
  batch: number,
  steps: number,
): readonly number[] | null {
  if (lengths === undefined) return null;
  if (lengths.length !== batch) {
    throw new ValueError(op, `srcLengths has ${lengths.length} entries for a batch of ${batch}`);
  }
  lengths.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 1 || n > steps) {
      throw new ValueError(op, `srcLengths[${b}] must be an integer in [1, ${steps}], got ${n}`);
    }
  });
  return lengths;
}
