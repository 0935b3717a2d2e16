import { type Tensor, tensor } from '@mlblocks/autograd';
import { DTypeError, Generator, type NDArray, oneHot, ShapeError, zeros } from '@mlblocks/core-tensor';
import { Embedding, GRU, Linear, LSTM, Module, RNN, uniform } from '@mlblocks/nn-layers';
import { type LMConfig, validateConfig } from './config.js';
import type { ModelOptions } from './window.js';

/**
 * The recurrent state carried from one window to the next: per layer, `[h]` (RNN, GRU) or
 * `[h, c]` (LSTM), each `[1, B, H]`.
 */
export type LMState = Tensor[][];

/** What `RecurrentLM.forward` returns. */
export interface RecurrentOutput {
  /** Next-token logits `[T·B, V]`, time-major: row `t·B + b` predicts the token after `ids[b, t]`. */
  logits: Tensor;
  /** The state after the last step (to carry into the next window). */
  state: LMState;
}

/**
 * The recurrent language model as the lesson writes it:
 *
 * ```text
 * e_t = E·x_t                                (an embedding lookup; one-hot x_t itself with embeddingDim 0)
 * h_t = σ(W_h·h_{t−1} + W_e·e_t + b₁)          (the cell: tanh RNN, LSTM or GRU; stacked numLayers deep)
 * ŷ_t = softmax(U·h_t + b₂)                    (U = Eᵀ with tied embeddings)
 * ```
 *
 * Dropout (rate `config.dropout`, training mode only) applies to the embeddings, between layers
 * and before the decoder, drawn from the model's own `dropoutGenerator` so a run can be repeated
 * and resumed exactly. Each layer is an nn-layers `RNN`/`LSTM`/`GRU` of one layer (fused cell
 * kernels on the wasm and WebGPU backends).
 *
 * @example
 * const model = new RecurrentLM(lmConfig({ model: 'lstm', vocabSize: 65, level: 'char', embeddingDim: 0 }));
 * let { logits, state } = model.forward(ids);        // ids int32 [B, T] → logits [T·B, 65]
 * ({ logits, state } = model.forward(next, detachState(state)));
 */
export class RecurrentLM extends Module {
  /** The config it was built from. */
  readonly config: LMConfig;
  /** The embedding E (null with one-hot input). */
  encoder: Embedding | null;
  /** The recurrent layers, bottom first (one nn-layers layer each). */
  layers: (RNN | LSTM | GRU)[] = [];
  /** The decoder U, b₂ (with tied embeddings only its bias is used: U = E). */
  decoder: Linear | null;
  /** The decoder bias when the embeddings are tied. */
  decoderBias: Tensor | null;
  /** Draws the dropout masks (reseed it to repeat a step exactly). */
  readonly dropoutGenerator = new Generator(0);

  constructor(config: LMConfig, options: ModelOptions = {}) {
    super();
    validateConfig(config, 'RecurrentLM');
    if (config.model === 'window') {
      throw new ShapeError('RecurrentLM', `config.model is 'window'; use FixedWindowLM`);
    }
    this.config = { ...config };
    const generator = new Generator(options.seed ?? 0);
    const init = { generator, backend: options.backend };
    const { vocabSize: V, embeddingDim: E, hiddenSize: H } = config;
    const r = config.initRange;
    this.encoder = E > 0 ? new Embedding(V, E, init) : null;
    if (this.encoder && r !== null) {
      this.encoder.weight = tensor(uniform([V, E], -r, r, init), { requiresGrad: true });
    }
    for (let l = 0; l < config.numLayers; l++) {
      const inputSize = l === 0 ? (E > 0 ? E : V) : H;
      const Layer = config.model === 'rnn' ? RNN : config.model === 'lstm' ? LSTM : GRU;
      this.layers.push(new Layer(inputSize, H, init));
    }
    if (config.tied) {
      this.decoder = null;
      this.decoderBias = tensor(zeros([V], { backend: options.backend }), { requiresGrad: true });
    } else {
      this.decoder = new Linear(H, V, init);
      this.decoderBias = null;
      if (r !== null) {
        this.decoder.weight = tensor(uniform([V, H], -r, r, init), { requiresGrad: true });
        this.decoder.bias = tensor(zeros([V], { backend: options.backend }), { requiresGrad: true });
      }
    }
  }

  /** The parts of one layer's state: 2 for the LSTM (h, c), else 1. */
  get stateParts(): number {
    return this.config.model === 'lstm' ? 2 : 1;
  }

  /** A zero state for `batch` streams. */
  initialState(batch: number): LMState {
    const backend = this.parameters()[0]!.array.backend.name;
    return this.layers.map(() =>
      Array.from({ length: this.stateParts }, () =>
        tensor(zeros([1, batch, this.config.hiddenSize], { backend })),
      ),
    );
  }

  /**
   * Runs the model over `ids` (int32 `[B, T]`: B streams of T tokens) from `state` (zeros when
   * omitted) and returns the logits of every position and the final state.
   */
  forward(ids: NDArray, state?: LMState): RecurrentOutput {
    const op = 'RecurrentLM.forward';
    if (ids.dtype !== 'int32') throw new DTypeError(op, `ids must be int32 token ids, got ${ids.dtype}`);
    if (ids.rank !== 2) throw new ShapeError(op, `ids must have shape [B, T], got [${ids.shape.join(',')}]`);
    const batch = ids.shape[0]!;
    if (state && (state.length !== this.layers.length || state[0]![0]!.shape[1] !== batch)) {
      throw new ShapeError(
        op,
        `the state holds ${state.length} layers of batch ${state[0]?.[0]?.shape[1]}; this model has ${this.layers.length} layers and the input a batch of ${batch}`,
      );
    }
    const timeMajor = ids.transpose(0, 1); // [T, B]
    let x: Tensor = this.encoder
      ? this.encoder.forward(timeMajor)
      : tensor(oneHot(timeMajor.contiguous(), this.config.vocabSize));
    x = this.drop(x);
    const next: LMState = [];
    this.layers.forEach((layer, l) => {
      const s = state?.[l];
      if (layer instanceof LSTM) {
        const [out, [h, c]] = layer.forward(x, s && [s[0]!, s[1]!]);
        x = out;
        next.push([h, c]);
      } else {
        const [out, h] = layer.forward(x, s?.[0]);
        x = out;
        next.push([h]);
      }
      x = this.drop(x);
    });
    const flat = x.reshape(-1, this.config.hiddenSize);
    const logits = this.decoder
      ? this.decoder.forward(flat)
      : flat.matmul(this.encoder!.weight.transpose(0, 1)).add(this.decoderBias!);
    return { logits, state: next };
  }

  private drop(x: Tensor): Tensor {
    const p = this.config.dropout;
    return p > 0 && this.training ? x.dropout(p, { training: true, generator: this.dropoutGenerator }) : x;
  }
}

/** The state cut from its graph (truncated BPTT): same values, no history. */
export function detachState(state: LMState): LMState {
  return state.map((parts) => parts.map((s) => s.detach()));
}
