import { type Tensor, tensor } from '@mlblocks/autograd';
import { DTypeError, Generator, type NDArray, ShapeError, zeros } from '@mlblocks/core-tensor';
import { Embedding, Linear, Module, uniform } from '@mlblocks/nn-layers';
import { type LMConfig, validateConfig } from './config.js';

/** Where a model's parameters are created. */
export interface ModelOptions {
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /** Backend of the parameters (default: the default backend). */
  backend?: string;
}

/**
 * The fixed-window neural language model of Bengio et al. (2003): the embeddings of the n previous
 * tokens are concatenated, `x = [C(w_{t−n}); …; C(w_{t−1})]`, then
 * `y = b + W·x + U·tanh(d + H·x)` and `P(w_t | context) = softmax(y)` — `W` (the direct
 * connections) only with `direct: true`.
 *
 * @example
 * const model = new FixedWindowLM(lmConfig({ model: 'window', vocabSize: 100, context: 4 }));
 * const logits = model.forward(contexts); // int32 [B, 4] → [B, 100]
 */
export class FixedWindowLM extends Module {
  /** The config it was built from. */
  readonly config: LMConfig;
  /** C: the token embeddings. */
  embedding: Embedding;
  /** H, d: the tanh hidden layer over the concatenated context. */
  hidden: Linear;
  /** U, b: hidden → logits. */
  output: Linear;
  /** The direct connections W (null unless `config.direct`). */
  directOutput: Linear | null;

  constructor(config: LMConfig, options: ModelOptions = {}) {
    super();
    validateConfig(config, 'FixedWindowLM');
    if (config.model !== 'window') {
      throw new ShapeError('FixedWindowLM', `config.model is '${config.model}', expected 'window'`);
    }
    this.config = { ...config };
    const generator = new Generator(options.seed ?? 0);
    const init = { generator, backend: options.backend };
    const { vocabSize: V, embeddingDim: E, hiddenSize: H, context: n } = config;
    // NOTE: created in the PyTorch reference's order (embedding, hidden, output)
    this.embedding = new Embedding(V, E, init);
    this.hidden = new Linear(n * E, H, init);
    this.output = new Linear(H, V, init);
    this.directOutput = config.direct ? new Linear(n * E, V, { ...init, bias: false }) : null;
    if (config.initRange !== null) {
      const r = config.initRange;
      this.embedding.weight = tensor(uniform([V, E], -r, r, init), { requiresGrad: true });
      this.output.weight = tensor(uniform([V, H], -r, r, init), { requiresGrad: true });
      this.output.bias = tensor(zeros([V], { backend: options.backend }), { requiresGrad: true });
    }
  }

  /** Next-token logits `[B, V]` for contexts `[B, n]` (int32 token ids, oldest first). */
  forward(contexts: NDArray): Tensor {
    const { context: n, embeddingDim: E } = this.config;
    if (contexts.dtype !== 'int32') {
      throw new DTypeError(
        'FixedWindowLM.forward',
        `contexts must be int32 token ids, got ${contexts.dtype}`,
      );
    }
    if (contexts.rank !== 2 || contexts.shape[1] !== n) {
      throw new ShapeError(
        'FixedWindowLM.forward',
        `contexts must have shape [B, ${n}], got [${contexts.shape.join(',')}]`,
      );
    }
    const x = this.embedding.forward(contexts).reshape(contexts.shape[0]!, n * E);
    const y = this.output.forward(this.hidden.forward(x).tanh());
    return this.directOutput ? y.add(this.directOutput.forward(x)) : y;
  }
}
