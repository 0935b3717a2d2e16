import { noGrad, softmaxCrossEntropy, tensor } from '@mlblocks/autograd';
import {
  BackendError,
  concat,
  dispose,
  fromArray,
  Generator,
  type NDArray,
  tidy,
  ValueError,
} from '@mlblocks/core-tensor';
import { batchify, bpttWindowCount, permutation } from '@mlblocks/datasets';
import {
  Adam,
  clipGradNorm,
  clipGradNormOnDevice,
  type Optimizer,
  type OptimizerStateDict,
  ReduceLROnPlateau,
  SGD,
} from '@mlblocks/optim';
import type { LMCorpus } from '../data/corpus.js';
import { CorpusError, NonFiniteLossError } from '../errors.js';
import { type LMState, RecurrentLM } from '../models/recurrent.js';
import type { FixedWindowLM } from '../models/window.js';

/** A model of this package: the fixed-window LM or a recurrent LM. */
export type LanguageModel = FixedWindowLM | RecurrentLM;

/** How a model is trained (the settings a checkpoint records with the step). */
export interface TrainOptions {
  /** Streams (recurrent) or contexts (window) per step. */
  batchSize: number;
  /** Truncated-BPTT window length (recurrent models). Default 35. */
  bptt?: number;
  /** `'sgd'` (plain) or `'adam'`. Default `'sgd'`. */
  optimizer?: 'sgd' | 'adam';
  /** Learning rate. */
  lr: number;
  /** Gradient-norm clipping (the global 2-norm); null: none. Default null. */
  clip?: number | null;
  /**
   * Reduce the learning rate by `factor` when the validation loss passed to `observeValidLoss`
   * has not improved for more than `patience` evaluations; null: constant rate. Default null.
   */
  plateau?: {
    /** The factor the LR is multiplied by. */
    factor: number;
    /** Evaluations without improvement tolerated before reducing. */
    patience: number;
  } | null;
  /** Seed of the dropout masks and the window model's shuffling. Default 0. */
  seed?: number;
  /** Streams the valid/test stream is laid out in for evaluation (recurrent). Default 10. */
  evalBatchSize?: number;
}

/** A split's loss over the whole stream. */
export interface Evaluation {
  /** Mean cross-entropy per token, in nats. */
  loss: number;
  /** exp(loss): perplexity (words). */
  perplexity: number;
  /** loss / ln 2: bits per token (bits per character for char models). */
  bits: number;
  /** Tokens predicted. */
  tokens: number;
}

/** What `LMTrainer.stateDict()` returns: everything besides the weights that a resume needs. */
export interface TrainerState {
  /** Steps taken. */
  step: number;
  /** Completed passes over the train stream. */
  epoch: number;
  /** The next window (recurrent) or batch (window model) of the epoch. */
  cursor: number;
  /** The learning rate in use. */
  lr: number;
  /** The optimizer's state dict. */
  optimizer: OptimizerStateDict;
  /** The plateau schedule's state dict (null without one). */
  plateau: ReturnType<ReduceLROnPlateau['stateDict']> | null;
}

type Resolved = Required<TrainOptions>;

// A step whose loss has not been read yet: the loss (kept), the next carried state, the step number.
interface PendingStep {
  loss: NDArray;
  next: LMState | null;
  step: number;
}

/** How `evaluateLM` reads a stream. */
export interface EvalOptions {
  /** Rows the stream is laid out in (recurrent), or contexts per forward (window). */
  batchSize: number;
  /** Window length (recurrent). */
  bptt: number;
  /** The split's name, for error messages. */
  split?: string;
  /** The id the window model pads contexts with (default 1, `<eos>`). */
  pad?: number;
}

// A step's seed from the run's seed and the step, so any step's dropout masks can be redrawn.
const mix = (seed: number, k: number) => (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + k * 0x632be5ab) | 0;

/**
 * Trains a language model one step at a time and evaluates it over whole streams:
 * - recurrent models: truncated BPTT over `batchSize` contiguous streams (datasets' `batchify`),
 *   windows of `bptt` tokens, the hidden state carried across windows detached from the graph
 *   (reset to zeros at each epoch);
 * - the window model: every train position once per epoch in a fresh seeded order, its context
 *   the n previous tokens (n `<eos>` before the stream).
 *
 * Each step runs in a `tidy` scope (memory stays flat over long runs), checks that the loss is
 * finite before touching the weights (`NonFiniteLossError` otherwise), clips the gradient norm and
 * updates. On backends that read back synchronously (CPU, WebAssembly) use `step()` and
 * `evaluate()`; on WebGPU `await stepAsync()` and `await evaluateAsync()`, which keep the clip on
 * the device and read the loss back once per step.
 *
 * @example
 * const trainer = new LMTrainer(model, corpus, { batchSize: 32, bptt: 100, optimizer: 'adam', lr: 2e-3, clip: 5 });
 * for (let i = 0; i < 500; i++) trainer.step();
 * trainer.evaluate('valid'); // { loss, perplexity, bits, tokens }
 */
export class LMTrainer {
  /** The options with their defaults filled in. */
  readonly options: Readonly<Resolved>;
  /** SGD or Adam over the model's parameters. */
  readonly optimizer: Optimizer;
  /** The LR schedule on plateau (null without `plateau`). */
  readonly plateau: ReduceLROnPlateau | null;
  private steps = 0;
  /** Completed passes over the train stream. */
  epoch = 0;
  private cursor = 0;
  private state: LMState | null = null;
  private readonly train: NDArray | null = null; // batchified [B, steps] (recurrent)
  private order: Int32Array | null = null; // this epoch's positions (window)
  private readonly backend: string;
  private readonly readsSync: boolean;

  constructor(
    /** The model being trained. */
    readonly model: LanguageModel,
    /** Its corpus (train for steps, valid/test for `evaluate`). */
    readonly corpus: LMCorpus,
    options: TrainOptions,
  ) {
    const op = 'LMTrainer';
    this.options = {
      bptt: 35,
      optimizer: 'sgd',
      clip: null,
      plateau: null,
      seed: 0,
      evalBatchSize: 10,
      ...options,
    };
    const { batchSize, bptt, lr } = this.options;
    for (const [name, v] of [
      ['batchSize', batchSize],
      ['bptt', bptt],
      ['evalBatchSize', this.options.evalBatchSize],
    ] as const) {
      if (!(Number.isInteger(v) && v > 0))
        throw new ValueError(op, `${name} must be a positive integer, got ${v}`);
    }
    if (!(lr > 0 && Number.isFinite(lr))) throw new ValueError(op, `lr must be a positive number, got ${lr}`);
    if (corpus.vocab.size !== model.config.vocabSize) {
      throw new ValueError(
        op,
        `the corpus has ${corpus.vocab.size} tokens in its vocabulary but the model ${model.config.vocabSize}`,
      );
    }
    this.backend = model.parameters()[0]!.array.backend.name;
    this.readsSync = model.parameters()[0]!.array.backend.readSync !== undefined;
    if (model instanceof RecurrentLM) {
      const steps = Math.floor(corpus.train.length / batchSize);
      if (steps < 2) {
        throw new CorpusError(
          op,
          `the train split of '${corpus.name}' has ${corpus.train.length} tokens: ${batchSize} streams of ${steps} tokens, too short for one BPTT window (need at least ${2 * batchSize} tokens)`,
        );
      }
      this.train = batchify(corpus.train, batchSize, { backend: this.backend });
    } else if (corpus.train.length < 1) {
      throw new CorpusError(op, `the train split of '${corpus.name}' is empty`);
    }
    const params = model.parameters();
    this.optimizer = this.options.optimizer === 'adam' ? new Adam(params, { lr }) : new SGD(params, { lr });
    const plateau = this.options.plateau;
    this.plateau = plateau ? new ReduceLROnPlateau(this.optimizer, { mode: 'min', ...plateau }) : null;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** The current learning rate. */
  get lr(): number {
    return this.optimizer.paramGroups[0]!.lr as number;
  }

  /** Steps in one pass over the train stream. */
  get stepsPerEpoch(): number {
    if (this.train) return bpttWindowCount(this.train.shape[1]!, this.options.bptt);
    return Math.ceil(this.corpus.train.length / this.options.batchSize);
  }

  /**
   * One training step; returns its mean loss (nats per token). Reads the loss back synchronously:
   * on a GPU backend use `stepAsync()`.
   *
   * @throws {NonFiniteLossError} when the loss is NaN or infinite (the weights are left as they were).
   */
  step(): number {
    this.requireSyncReads('step', 'stepAsync');
    const pending = this.lossAndGradients(false);
    return this.finishStep(pending, pending.loss.item());
  }

  /**
   * `step()` for every backend: forward, backward and the gradient clip are queued on the device,
   * then the loss is awaited (the one readback of the step) and, when finite, the weights updated.
   *
   * @throws {NonFiniteLossError} when the loss is NaN or infinite (the weights are left as they were).
   */
  async stepAsync(): Promise<number> {
    const pending = this.lossAndGradients(!this.readsSync);
    let loss: number;
    try {
      loss = await pending.loss.itemAsync();
    } catch (e) {
      this.discard(pending);
      throw e;
    }
    return this.finishStep(pending, loss);
  }

  // Forward and backward (and the clip) of the next step, nothing read back: the loss and the
  // carried state stay alive for finishStep. The clip runs on the device where reading the norm
  // back would stall the queue.
  private lossAndGradients(clipOnDevice: boolean): PendingStep {
    const stepNo = this.steps + 1;
    if (this.cursor >= this.stepsPerEpoch) {
      this.cursor = 0;
      this.epoch++;
      this.order = null;
      this.resetState();
    }
    const model = this.model;
    model.train();
    model.zeroGrad();
    return tidy((): PendingStep => {
      let next: LMState | null = null;
      let lossT: ReturnType<typeof softmaxCrossEntropy>;
      if (model instanceof RecurrentLM) {
        model.dropoutGenerator.seed(mix(this.options.seed, stepNo));
        const { input, target } = this.window(this.train!, this.cursor);
        const out = model.forward(input, this.state ?? undefined);
        lossT = softmaxCrossEntropy(out.logits, target);
        next = out.state.map((parts) => parts.map((s) => s.detach()));
      } else {
        const { contexts, targets } = this.windowBatch(this.cursor);
        lossT = softmaxCrossEntropy(model.forward(contexts), targets);
      }
      lossT.backward();
      const clip = this.options.clip;
      if (clip !== null && clipOnDevice) clipGradNormOnDevice(model.parameters(), clip);
      else if (clip !== null) clipGradNorm(model.parameters(), clip);
      return { loss: lossT.array.ref(), next, step: stepNo };
    });
  }

  // Checks the loss read back, then updates the weights and moves on (or throws, weights untouched).
  private finishStep(pending: PendingStep, loss: number): number {
    if (!Number.isFinite(loss)) {
      this.discard(pending);
      throw new NonFiniteLossError('LMTrainer.step', pending.step, loss, this.lr);
    }
    tidy(() => this.optimizer.step());
    this.model.zeroGrad();
    pending.loss.dispose();
    if (pending.next) {
      if (this.state) dispose(this.state.flat());
      this.state = pending.next;
    }
    this.cursor++;
    this.steps = pending.step;
    return loss;
  }

  private discard(pending: PendingStep): void {
    this.model.zeroGrad();
    pending.loss.dispose();
    if (pending.next) dispose(pending.next.flat());
  }

  private requireSyncReads(method: string, asyncMethod: string): void {
    if (!this.readsSync) {
      throw new BackendError(
        `LMTrainer.${method}`,
        `'${this.backend}' reads back asynchronously, and ${method}() reads the loss synchronously; use await trainer.${asyncMethod}()`,
      );
    }
  }

  /** Passes the latest validation loss to the plateau schedule (no-op without one). */
  observeValidLoss(loss: number): void {
    this.plateau?.step(loss);
  }

  /**
   * The mean loss over a whole split (`'valid'`, `'test'` or `'train'`) in evaluation mode
   * (no dropout, no gradients). Recurrent models read the stream as `evalBatchSize` rows (the last
   * `n mod evalBatchSize` tokens are left out) in `bptt` windows with the state carried; the window
   * model predicts every position of the split.
   */
  evaluate(split: 'valid' | 'test' | 'train' = 'valid'): Evaluation {
    this.requireSyncReads('evaluate', 'evaluateAsync');
    return evaluateLM(this.model, this.splitIds(split), this.evalOptions(split));
  }

  /** `evaluate()` for every backend: the per-window losses stay on the device and are read once. */
  evaluateAsync(split: 'valid' | 'test' | 'train' = 'valid'): Promise<Evaluation> {
    return evaluateLMAsync(this.model, this.splitIds(split), this.evalOptions(split));
  }

  private splitIds(split: 'valid' | 'test' | 'train'): Int32Array {
    const ids = this.corpus[split];
    if (!ids)
      throw new ValueError('LMTrainer.evaluate', `corpus '${this.corpus.name}' has no ${split} split`);
    return ids;
  }

  private evalOptions(split: string): EvalOptions {
    return {
      batchSize: this.model instanceof RecurrentLM ? this.options.evalBatchSize : 1024,
      bptt: this.options.bptt,
      split,
      pad: eosId(this.corpus),
    };
  }

  /** Everything a resume needs besides the weights and the carried state (see `carriedState`). */
  stateDict(): TrainerState {
    return this.stateWith(this.optimizer.stateDict());
  }

  /** `stateDict()` on every backend: the optimizer's state arrays are read back asynchronously. */
  async stateDictAsync(): Promise<TrainerState> {
    return this.stateWith(await this.optimizer.stateDictAsync());
  }

  private stateWith(optimizer: OptimizerStateDict): TrainerState {
    return {
      step: this.steps,
      epoch: this.epoch,
      cursor: this.cursor,
      lr: this.lr,
      optimizer,
      plateau: this.plateau?.stateDict() ?? null,
    };
  }

  /** Restores `stateDict()` (and the carried state, recurrent models) for an exact resume. */
  loadStateDict(state: TrainerState, carried: NDArray[] | null = null): void {
    this.optimizer.loadStateDict(state.optimizer);
    if (state.plateau && this.plateau) this.plateau.loadStateDict(state.plateau);
    this.steps = state.step;
    this.epoch = state.epoch;
    this.cursor = state.cursor;
    this.order = null;
    this.resetState();
    if (carried && this.model instanceof RecurrentLM) {
      const parts = this.model.stateParts;
      this.state = this.model.layers.map((_, l) =>
        Array.from({ length: parts }, (_, j) => tensor(carried[l * parts + j]!.to(this.backend))),
      );
    }
  }

  /** The carried recurrent state as arrays (layer-major, `[h]` or `[h, c]` per layer); null when none. */
  carriedState(): NDArray[] | null {
    return this.state ? this.state.flat().map((t) => t.array) : null;
  }

  /** Frees the carried state and the batchified stream. */
  dispose(): void {
    this.resetState();
    this.train?.dispose();
  }

  private resetState(): void {
    if (this.state) dispose(this.state.flat());
    this.state = null;
  }

  private window(data: NDArray, k: number): { input: NDArray; target: NDArray } {
    const steps = data.shape[1]!;
    const start = k * this.options.bptt;
    const length = Math.min(this.options.bptt, steps - 1 - start);
    const input = data.slice(null, [start, start + length]);
    // time-major targets, as the model's logits: row t·B + b
    const target = data
      .slice(null, [start + 1, start + 1 + length])
      .transpose(0, 1)
      .contiguous()
      .reshape(-1);
    return { input, target };
  }

  private windowBatch(k: number): { contexts: NDArray; targets: NDArray } {
    const train = this.corpus.train;
    if (!this.order)
      this.order = permutation(train.length, new Generator(mix(this.options.seed, this.epoch)));
    const B = this.options.batchSize;
    const positions = this.order.subarray(k * B, Math.min((k + 1) * B, train.length));
    return contextsAt(train, positions, this.model.config.context, eosId(this.corpus), this.backend);
  }
}

/** The id the window model pads contexts with: `<eos>` (or id 0 where the vocabulary has none). */
export function eosId(corpus: Pick<LMCorpus, 'vocab'>): number {
  return corpus.vocab.has('<eos>') ? corpus.vocab.idOf('<eos>') : 0;
}

/** Contexts `[P, n]` (the n tokens before each position; `pad` before the stream) and targets `[P]`. */
export function contextsAt(
  ids: Int32Array,
  positions: ArrayLike<number>,
  n: number,
  pad: number,
  backend: string,
): {
  /** int32 `[P, n]`. */
  contexts: NDArray;
  /** int32 `[P]`. */
  targets: NDArray;
} {
  const P = positions.length;
  const ctx = new Int32Array(P * n);
  const tgt = new Int32Array(P);
  for (let i = 0; i < P; i++) {
    const p = positions[i]!;
    for (let j = 0; j < n; j++) {
      const q = p - n + j;
      ctx[i * n + j] = q >= 0 ? ids[q]! : pad;
    }
    tgt[i] = ids[p]!;
  }
  return {
    contexts: fromArray(ctx, { shape: [P, n], backend }),
    targets: fromArray(tgt, { shape: [P], backend }),
  };
}

/**
 * The mean loss of `model` on a token stream (see `LMTrainer.evaluate`). The model is put in
 * evaluation mode and back in the mode it was in. Reads back synchronously (CPU, wasm); on every
 * backend use `evaluateLMAsync`.
 */
export function evaluateLM(model: LanguageModel, ids: Int32Array, options: EvalOptions): Evaluation {
  const { sums, count } = windowLossSums(model, ids, options);
  try {
    return evaluation(sums.dataSync(), count);
  } finally {
    sums.dispose();
  }
}

/** `evaluateLM` on every backend: the per-window sums are read back once, asynchronously. */
export async function evaluateLMAsync(
  model: LanguageModel,
  ids: Int32Array,
  options: EvalOptions,
): Promise<Evaluation> {
  const { sums, count } = windowLossSums(model, ids, options);
  try {
    return evaluation(await sums.data(), count);
  } finally {
    sums.dispose();
  }
}

// Summed in float64 on the host, window by window, as one float32 sum per window.
function evaluation(sums: ArrayLike<number>, count: number): Evaluation {
  let total = 0;
  for (let i = 0; i < sums.length; i++) total += sums[i]!;
  const loss = total / count;
  return { loss, perplexity: Math.exp(loss), bits: loss / Math.LN2, tokens: count };
}

// The summed cross-entropy of each window (recurrent) or batch (window model), `[windows]` on the
// model's backend, and the number of tokens predicted; nothing is read back.
function windowLossSums(
  model: LanguageModel,
  ids: Int32Array,
  options: EvalOptions,
): { sums: NDArray; count: number } {
  const op = 'evaluateLM';
  const backend = model.parameters()[0]!.array.backend.name;
  const wasTraining = model.training;
  model.eval();
  const sums: NDArray[] = [];
  let count = 0;
  try {
    noGrad(() => {
      if (model instanceof RecurrentLM) {
        const steps = Math.floor(ids.length / options.batchSize);
        if (steps < 2) {
          throw new CorpusError(
            op,
            `the ${options.split ?? ''} stream has ${ids.length} tokens, too short for ${options.batchSize} rows of at least 2`,
          );
        }
        const data = batchify(ids, options.batchSize, { backend });
        let state: LMState | undefined;
        try {
          for (let start = 0; start < steps - 1; start += options.bptt) {
            const length = Math.min(options.bptt, steps - 1 - start);
            const { next, sum } = tidy(() => {
              const input = data.slice(null, [start, start + length]);
              const target = data
                .slice(null, [start + 1, start + 1 + length])
                .transpose(0, 1)
                .contiguous()
                .reshape(-1);
              const out = model.forward(input, state);
              count += target.size;
              const sum = softmaxCrossEntropy(out.logits, target, { reduction: 'sum' }).array.reshape([1]);
              return { next: out.state, sum };
            });
            sums.push(sum);
            if (state) dispose(state.flat());
            state = next;
          }
        } finally {
          if (state) dispose(state.flat());
          data.dispose();
        }
      } else {
        const pad = options.pad ?? 1;
        for (let s = 0; s < ids.length; s += options.batchSize) {
          const positions = Int32Array.from(
            { length: Math.min(options.batchSize, ids.length - s) },
            (_, i) => s + i,
          );
          sums.push(
            tidy(() => {
              const { contexts, targets } = contextsAt(ids, positions, model.config.context, pad, backend);
              count += positions.length;
              return softmaxCrossEntropy(model.forward(contexts), targets, {
                reduction: 'sum',
              }).array.reshape([1]);
            }),
          );
        }
      }
    });
    return { sums: concat(sums, 0), count };
  } finally {
    dispose(sums);
    model.train(wasTraining);
  }
}
