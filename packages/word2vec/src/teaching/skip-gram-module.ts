import { noGrad, type Tensor, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, type NDArray, tidy, ValueError } from '@mlblocks/core-tensor';
import { aliasTable, sampleAlias, subsamplingKeepProbabilities } from '@mlblocks/datasets';
import { Embedding, Module } from '@mlblocks/nn-layers';
import type { TrainingCorpus } from '../corpus/corpus.js';
import { KeyedVectors } from '../model/keyed-vectors.js';

/**
 * `log σ(x)`, written with autograd's primitives in the stable form `min(x, 0) − log(1 + e^−|x|)`
 * (no overflow for large |x|), so its gradient `1 − σ(x)` comes from the composition.
 */
export function logSigmoid(x: Tensor): Tensor {
  return x.minimum(0).sub(x.abs().neg().exp().add(1).log());
}

/**
 * Skip-gram with negative sampling as a model of nn-layers: two `Embedding` tables — the input
 * vectors (the word vectors, initialized uniform in [−0.5/dim, 0.5/dim) as word2vec does) and the
 * output vectors (zeros) — and the loss of Mikolov et al. (2013), for an input word u, its target t
 * and negatives n₁ … n_k:
 *
 *   loss = −log σ(u·v_t) − Σᵢ log σ(−u·v_nᵢ)
 *
 * This is the objective the fast trainer optimizes with hand-written updates; here autograd
 * computes the gradient (`backward()`), which on one example equals the fast trainer's update
 * divided by −lr (a test checks it).
 *
 * @example
 * const model = new SkipGramModel(vocabulary.size, 50, { seed: 1 });
 * const loss = model.loss(fromArray([3], { dtype: 'int32' }), fromArray([[7, 1, 9]], { dtype: 'int32' }));
 * loss.backward();
 */
export class SkipGramModel extends Module {
  /** The input vectors (the word vectors), `vocabulary × dim`. */
  input: Embedding;
  /** The output vectors of negative sampling, `vocabulary × dim`. */
  output: Embedding;

  constructor(
    readonly vocabulary: number,
    readonly dim: number,
    options: { seed?: number } = {},
  ) {
    super();
    this.input = new Embedding(vocabulary, dim);
    this.output = new Embedding(vocabulary, dim);
    const generator = new Generator(options.seed ?? 1);
    const init = Float32Array.from({ length: vocabulary * dim }, () => (generator.nextFloat() - 0.5) / dim);
    noGrad(() => {
      this.input.weight.assign(fromArray(init, { shape: [vocabulary, dim] }));
      this.output.weight.assign(fromArray(new Float32Array(vocabulary * dim), { shape: [vocabulary, dim] }));
    });
  }

  /** The loss (see `loss`): the Module's forward pass. */
  forward(inputs: NDArray, targets: NDArray): Tensor {
    return this.loss(inputs, targets);
  }

  /**
   * The summed loss of a batch: `inputs` (int32 `[B]`) are the input words, `targets` (int32
   * `[B, 1 + k]`) the word each input predicts, then its k negatives.
   */
  loss(inputs: NDArray, targets: NDArray): Tensor {
    if (targets.rank !== 2 || targets.shape[0] !== inputs.shape[0]) {
      throw new ValueError(
        'SkipGramModel.loss',
        `targets must be [${inputs.shape[0]}, 1 + k], got [${targets.shape}]`,
      );
    }
    const u = this.input.forward(inputs); // [B, dim]
    const v = this.output.forward(targets); // [B, 1 + k, dim]
    const scores = v.mul(u.unsqueeze(1)).sum(-1); // [B, 1 + k]: u·v for each target
    const k = targets.shape[1]! - 1;
    const signs = tensor(fromArray([1, ...new Array(k).fill(-1)], { shape: [1, k + 1] }));
    return logSigmoid(scores.mul(signs)).sum().neg();
  }

  /** The input vectors as `KeyedVectors`. */
  keyedVectors(words: readonly string[]): KeyedVectors {
    return new KeyedVectors(words, Float32Array.from(this.input.weight.dataSync()), this.dim);
  }
}

/** Options of `trainSkipGramTeaching`. */
export interface TeachingOptions {
  dim?: number;
  window?: number;
  negative?: number;
  sample?: number;
  epochs?: number;
  /** Learning rate of plain SGD on the summed batch loss (default 0.025), decayed linearly to 1e-4 of it. */
  lr?: number;
  /**
   * Examples (input, target) per step (default 16). The loss is summed, as word2vec's per-example
   * updates are: a row used m times in a batch moves m·lr, so large batches on a small vocabulary diverge.
   */
  batchSize?: number;
  seed?: number;
}

/** What the teaching trainer returns: the vectors and the mean loss per example of each epoch. */
export interface TeachingResult {
  vectors: KeyedVectors;
  model: SkipGramModel;
  losses: number[];
}

/**
 * Trains skip-gram with negative sampling through autograd and nn-layers — the readable path,
 * for small corpora (the fast trainer is hundreds of times faster). The examples are word2vec's:
 * subsampling, a window shrunk uniformly for every centre word, `negative` draws from
 * `count^0.75` per example; each step is forward (`loss`), `backward()`, and
 * `w ← w − lr·∂loss/∂w`.
 *
 * @example
 * const { vectors, losses } = trainSkipGramTeaching(corpus, { dim: 20, epochs: 3 });
 */
export function trainSkipGramTeaching(corpus: TrainingCorpus, options: TeachingOptions = {}): TeachingResult {
  const { dim = 50, window = 5, negative = 5, sample = 1e-3, epochs = 5, batchSize = 16, seed = 1 } = options;
  const lr0 = options.lr ?? 0.025;
  const { vocabulary, ids, starts } = corpus;
  const model = new SkipGramModel(vocabulary.size, dim, { seed });
  const generator = new Generator(seed + 1);
  const keep = sample > 0 ? subsamplingKeepProbabilities(vocabulary, { threshold: sample }) : undefined;
  const table = aliasTable(vocabulary);
  const losses: number[] = [];
  const totalSteps = Math.max(1, epochs * Math.ceil((ids.length * window) / batchSize));
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // the (input, target) pairs of this epoch: each context word predicts its centre word
    const pairs: number[] = [];
    for (let s = 0; s + 1 < starts.length; s++) {
      const sentence = Array.from(ids.subarray(starts[s]!, starts[s + 1]!)).filter(
        (w) => !keep || generator.nextFloat() < keep[w]!,
      );
      sentence.forEach((centre, pos) => {
        const reach = window - generator.nextInt(0, window);
        for (let j = Math.max(0, pos - reach); j <= Math.min(sentence.length - 1, pos + reach); j++) {
          if (j !== pos) pairs.push(sentence[j]!, centre);
        }
      });
    }
    let sum = 0;
    for (let b = 0; b < pairs.length / 2; b += batchSize) {
      const n = Math.min(batchSize, pairs.length / 2 - b);
      const inputs = new Int32Array(n);
      const targets = new Int32Array(n * (negative + 1));
      for (let i = 0; i < n; i++) {
        inputs[i] = pairs[2 * (b + i)]!;
        targets[i * (negative + 1)] = pairs[2 * (b + i) + 1]!;
        for (let k = 1; k <= negative; k++)
          targets[i * (negative + 1) + k] = sampleAlias(table, generator.nextFloat());
      }
      const lr = Math.max(lr0 * 1e-4, lr0 * (1 - step / totalSteps));
      sum += tidy(() => {
        const loss = model.loss(
          fromArray(inputs, { dtype: 'int32' }),
          fromArray(targets, { dtype: 'int32', shape: [n, negative + 1] }),
        );
        loss.backward();
        noGrad(() => {
          for (const w of [model.input.weight, model.output.weight]) {
            w.assign(w.array.sub(w.grad!.array.mul(lr)));
            w.zeroGrad();
          }
        });
        return loss.item();
      });
      step++;
    }
    losses.push(pairs.length > 0 ? sum / (pairs.length / 2) : 0);
  }
  return { vectors: model.keyedVectors(vocabulary.tokens), model, losses };
}
