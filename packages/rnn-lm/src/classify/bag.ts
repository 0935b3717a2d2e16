import { type Tensor, tensor } from '@mlblocks/autograd';
import { checkOptions, fromArray, type Generator, type NDArray, ValueError } from '@mlblocks/core-tensor';
import { Embedding, Module } from '@mlblocks/nn-layers';

/** Options of {@link BagOfFeaturesClassifier}. */
export interface BagOfFeaturesOptions {
  /** Feature ids are in [0, numFeatures). */
  numFeatures: number;
  /** Classes the logits score (at least 2 for a softmax). */
  numClasses: number;
  /** Source of the initial weights' randomness (they start at zero: unused today, kept for symmetry). */
  generator?: Generator;
  /** Backend of the parameters (default: the default backend). */
  backend?: string;
}

/**
 * The baseline that needs no RNN: multinomial logistic regression on a bag of features (words,
 * character n-grams), `logits = b + Σ_f count(f)·W[f]` — a linear model on feature counts,
 * computed as a sum of the rows of `W` the example's features pick (no dense count matrix).
 * Batches are padded `[B, F]` feature-id matrices with their lengths (see `padSequences`).
 */
export class BagOfFeaturesClassifier extends Module {
  /** `W`: one row of class scores per feature, `[numFeatures, numClasses]`, summed over a text's features. */
  weights: Embedding;
  /** `b`: one score per class, `[numClasses]`. */
  bias: Tensor;

  constructor(options: BagOfFeaturesOptions) {
    super();
    checkOptions('BagOfFeaturesClassifier', options, {
      numFeatures: true,
      numClasses: true,
      generator: true,
      backend: true,
    });
    const { numFeatures, numClasses, generator, backend } = options;
    for (const [key, value] of [
      ['numFeatures', numFeatures],
      ['numClasses', numClasses],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new ValueError('BagOfFeaturesClassifier', `${key} must be a positive integer, got ${value}`);
    }
    this.weights = new Embedding(numFeatures, numClasses, { generator, backend });
    // start from zero: an untrained baseline predicts the uniform distribution
    this.weights.weight.array.assign(0);
    this.bias = tensor(fromArray(new Float32Array(numClasses), { backend }), { requiresGrad: true });
  }

  /** Class logits `[B, numClasses]` of padded feature ids `[B, F]` (int32) with their `lengths`. */
  forward(features: NDArray, lengths: readonly number[]): Tensor {
    const [B, F] = features.shape as [number, number];
    const real = new Float32Array(B * F);
    lengths.forEach((n, b) => {
      real.fill(1, b * F, b * F + n);
    });
    const mask = tensor(fromArray(real, { shape: [B, F, 1], backend: features.backend.name }));
    return this.weights.forward(features).mul(mask).sum(1).add(this.bias);
  }
}
