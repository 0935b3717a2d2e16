import { type Tensor, tensor } from '@mlblocks/autograd';
import { Generator } from '@mlblocks/core-tensor';
import { Linear, Module, uniform } from '@mlblocks/nn-layers';

/** Weights and context of one attention step. */
export interface Attended {
  /** The weighted sum of the values, `[B, H]`. */
  context: Tensor;
  /** The attention weights `α_{b,j}` over the source positions, `[B, S]` (each row sums to 1). */
  weights: Tensor;
}

/** What `AdditiveAttention` and `DotAttention` share. */
export interface Attention {
  /** What the scores read of the values, computed once per source: `[B, S, H]` → `[B, S, K]`. */
  keys(values: Tensor): Tensor;
  /** Scores of a query `[B, H]` against the keys `[B, S, K]`: `[B, S]`. */
  score(query: Tensor, keys: Tensor): Tensor;
}

/**
 * Additive attention (Bahdanau, Cho & Bengio, 2015): `score(q, h_j) = vᵀ·tanh(W_q·q + W_k·h_j + b)`,
 * a one-hidden-layer network that compares the decoder's query with each encoder output.
 * `W_k·h_j + b` is computed once per source (`keys`), so each step costs one `[B, H]·[H, A]`
 * product and the `tanh` over `[B, S, A]`.
 *
 * @example
 * const attn = new AdditiveAttention(256, 256, 128);
 * const keys = attn.keys(encoderOutputs);                 // [B, S, 256] → [B, S, 128]
 * const { context, weights } = attend(attn.score(s, keys), encoderOutputs, mask);
 */
export class AdditiveAttention extends Module implements Attention {
  /** `W_q`, no bias. */
  query: Linear;
  /** `W_k` and `b`. */
  key: Linear;
  /** `v`, `[A]`. */
  v: Tensor;

  constructor(
    /** Size of the query (the decoder state). */
    readonly queryDim: number,
    /** Size of the values (the encoder outputs). */
    readonly valueDim: number,
    /** Size of the `tanh` layer that compares them. */
    readonly attentionDim: number,
    options: { generator?: Generator; backend?: string } = {},
  ) {
    super();
    this.query = new Linear(queryDim, attentionDim, { ...options, bias: false });
    this.key = new Linear(valueDim, attentionDim, options);
    const bound = 1 / Math.sqrt(attentionDim);
    this.v = tensor(
      uniform([attentionDim], -bound, bound, {
        generator: options.generator ?? new Generator(0),
        backend: options.backend,
      }),
      { requiresGrad: true },
    );
  }

  keys(values: Tensor): Tensor {
    return this.key.forward(values);
  }

  /** The whole step at once: `attend(score(query, keys(values)), values, mask)`. */
  forward(query: Tensor, values: Tensor, mask: Tensor | null = null): Attended {
    return attend(this.score(query, this.keys(values)), values, mask);
  }

  score(query: Tensor, keys: Tensor): Tensor {
    return keys.add(this.query.forward(query).unsqueeze(1)).tanh().matmul(this.v);
  }
}

/**
 * Dot-product attention (Luong, Pham & Manning, 2015, the "dot" score): `score(q, h_j) = q·h_j`.
 * No parameters; query and values must have the same size.
 *
 * @example
 * const attn = new DotAttention();
 * const { context, weights } = attend(attn.score(s, encoderOutputs), encoderOutputs, mask);
 */
export class DotAttention extends Module implements Attention {
  keys(values: Tensor): Tensor {
    return values;
  }

  /** The whole step at once: `attend(score(query, keys(values)), values, mask)`. */
  forward(query: Tensor, values: Tensor, mask: Tensor | null = null): Attended {
    return attend(this.score(query, this.keys(values)), values, mask);
  }

  score(query: Tensor, keys: Tensor): Tensor {
    return keys.matmul(query.unsqueeze(2)).squeeze(2);
  }
}

/**
 * Softmax of the scores `[B, S]` over the source positions (after adding `mask`, `0` at real
 * positions and a large negative number at padding, so padding gets weight 0), and the context:
 * the weighted sum of the values `[B, S, H]` → `[B, H]`.
 */
export function attend(scores: Tensor, values: Tensor, mask: Tensor | null): Attended {
  const weights = (mask ? scores.add(mask) : scores).softmax(-1);
  return { weights, context: weights.unsqueeze(1).matmul(values).squeeze(1) };
}
