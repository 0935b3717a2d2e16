import { type Tensor, tensor } from '@mlblocks/autograd';
import { checkOptions, type OptionNames, ShapeError, ValueError, zeros } from '@mlblocks/core-tensor';
import { INIT_OPTIONS, type InitOptions, initOptions, uniform } from '../../init/initializers.js';
import { Module } from '../../module/module.js';
import { affine, type CellWeights, gruStep, lstmStep, type RNNNonlinearity, rnnStep } from './functional.js';
import { recurrentSequence, type SequenceCell } from './sequence.js';

/** Options of `RNNCell`, `LSTMCell` and `GRUCell`. */
export interface RecurrentCellOptions extends InitOptions {
  /** Learn the biases `biasIh` and `biasHh` (default true). */
  bias?: boolean;
}

/** Options of `RNNCell`. */
export interface RNNCellOptions extends RecurrentCellOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: RNNNonlinearity;
}

/** @internal The names of `RecurrentCellOptions`. */
export const CELL_OPTIONS: OptionNames<RecurrentCellOptions> = { ...INIT_OPTIONS, bias: true };
/** @internal The names of `RNNCellOptions`. */
export const RNN_CELL_OPTIONS: OptionNames<RNNCellOptions> = { ...CELL_OPTIONS, nonlinearity: true };

export const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/**
 * What the three cells share: the parameters `weightIh` `[gates·H, I]`, `weightHh`
 * `[gates·H, H]`, `biasIh` and `biasHh` `[gates·H]` (null with `bias: false`), all initialised
 * U(−1/√H, 1/√H) as in PyTorch, and the checks on input and state shapes. The state is a list
 * of `[B, H]` tensors: `[h]`, or `[h, c]` for the LSTM.
 */
export abstract class RecurrentCell extends Module implements CellWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  /** Names of the state tensors, for messages (`['h']` or `['h', 'c']`). */
  abstract readonly stateNames: readonly string[];

  constructor(
    /** `LSTMCell`, … (used in error messages). */
    readonly kind: string,
    readonly inputSize: number,
    readonly hiddenSize: number,
    /** Number of gates stacked in the weights (RNN 1, LSTM 4, GRU 3). */
    readonly gates: number,
    options: RecurrentCellOptions = {},
    validOptions: OptionNames<RecurrentCellOptions> = CELL_OPTIONS,
  ) {
    super();
    checkOptions(kind, options, validOptions);
    for (const [what, n] of [
      ['inputSize', inputSize],
      ['hiddenSize', hiddenSize],
    ] as const) {
      if (!Number.isInteger(n) || n < 1)
        throw new ValueError(kind, `${what} must be a positive integer, got ${n}`);
    }
    const bound = 1 / Math.sqrt(hiddenSize);
    const init = initOptions(options);
    const param = (shape: number[]) => tensor(uniform(shape, -bound, bound, init), { requiresGrad: true });
    const rows = gates * hiddenSize;
    this.weightIh = param([rows, inputSize]);
    this.weightHh = param([rows, hiddenSize]);
    this.biasIh = options.bias === false ? null : param([rows]);
    this.biasHh = options.bias === false ? null : param([rows]);
  }

  /** `LSTMCell(3 → 4)`. */
  override toString(): string {
    return `${this.kind}(${this.inputSize} → ${this.hiddenSize})`;
  }

  /**
   * The input projection `x·W_ihᵀ + b_ih` for any leading axes: `[..., I]` → `[..., gates·H]`.
   * A layer computes it for a whole sequence at once, then calls `step` per time step.
   */
  project(x: Tensor): Tensor {
    if (x.rank === 2) return affine(x, this.weightIh, this.biasIh);
    const lead = x.shape.slice(0, -1);
    const rows = lead.reduce((a, b) => a * b, 1);
    const y = affine(x.reshape(rows, this.inputSize), this.weightIh, this.biasIh);
    return y.reshape([...lead, this.gates * this.hiddenSize]);
  }

  /** One step from a projection `gi` `[B, gates·H]` and the state (`[B, H]` each); unchecked. */
  abstract step(gi: Tensor, state: readonly Tensor[]): Tensor[];

  /** Which cell `recurrentSequence` runs for this one. */
  abstract readonly sequenceCell: SequenceCell;

  /**
   * `step` over a whole projected sequence `[T, B, gates·H]` as one autograd op (see
   * `recurrentSequence`): returns `[T, B, H]` (`[T, B, 2H]` = `[h | c]` for the LSTM); unchecked.
   */
  sequence(projected: Tensor, state: readonly Tensor[], reverse: boolean): Tensor {
    return recurrentSequence(this.sequenceCell, projected, state, this.weightHh, this.biasHh, reverse);
  }

  /** Zero states `[B, H]` in `like`'s dtype and backend. */
  zeroState(batch: number, like: Tensor): Tensor[] {
    const options = { dtype: like.dtype, backend: like.array.backend.name };
    return this.stateNames.map(() => tensor(zeros([batch, this.hiddenSize], options)));
  }

  /** Checks shapes, adds the batch axis to unbatched calls, runs `step`, removes it again. */
  protected run(x: Tensor, state: readonly Tensor[] | undefined): Tensor[] {
    if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new ShapeError(
        `${this.kind}.forward`,
        `${this} expects an input of shape [B, ${this.inputSize}] (or [${this.inputSize}] unbatched), got ${fmt(x.shape)}`,
      );
    }
    const unbatched = x.rank === 1;
    const batch = unbatched ? 1 : x.shape[0]!;
    const expected = unbatched ? [this.hiddenSize] : [batch, this.hiddenSize];
    state?.forEach((s, i) => {
      if (s.rank !== expected.length || s.shape.some((d, j) => d !== expected[j])) {
        throw new ShapeError(
          `${this.kind}.forward`,
          `${this}: state ${this.stateNames[i]} must have shape ${fmt(expected)} for an input of shape ${fmt(x.shape)}, got ${fmt(s.shape)}`,
        );
      }
    });
    const xb = unbatched ? x.unsqueeze(0) : x;
    const sb = state ? state.map((s) => (unbatched ? s.unsqueeze(0) : s)) : this.zeroState(batch, x);
    const next = this.step(this.project(xb), sb);
    return unbatched ? next.map((s) => s.squeeze(0)) : next;
  }
}

/**
 * An Elman RNN cell: `h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)` (or ReLU). Input `[B, I]` (or
 * `[I]`), state `[B, H]` (zeros when omitted); returns the new `h`. PyTorch's `nn.RNNCell`.
 *
 * @example
 * const cell = new RNNCell(10, 20);
 * let h = cell.forward(xs[0]!);
 * for (const x of xs.slice(1)) h = cell.forward(x, h);
 */
export class RNNCell extends RecurrentCell {
  readonly stateNames = ['h'];
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super('RNNCell', inputSize, hiddenSize, 1, options, RNN_CELL_OPTIONS);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new ValueError('RNNCell', `nonlinearity must be 'tanh' or 'relu', got '${this.nonlinearity}'`);
    }
  }

  step(gi: Tensor, [h]: readonly Tensor[]): Tensor[] {
    return [rnnStep(gi, h!, this, this.nonlinearity)];
  }

  get sequenceCell(): SequenceCell {
    return this.nonlinearity === 'relu' ? 'rnn-relu' : 'rnn-tanh';
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.run(x, h && [h])[0]!;
  }
}

/**
 * A long short-term memory cell (Hochreiter & Schmidhuber, 1997), PyTorch's `nn.LSTMCell`.
 * With the gates stacked in the order i, f, g, o:
 *
 * ```text
 * i = σ(W_ii x + b_ii + W_hi h + b_hi)      input gate
 * f = σ(W_if x + b_if + W_hf h + b_hf)      forget gate
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)   candidate
 * o = σ(W_io x + b_io + W_ho h + b_ho)      output gate
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')
 * ```
 *
 * Input `[B, I]` (or `[I]`), state `[h, c]` of `[B, H]` each (zeros when omitted); returns `[h', c']`.
 *
 * @example
 * const cell = new LSTMCell(10, 20);
 * let state = cell.forward(xs[0]!);
 * for (const x of xs.slice(1)) state = cell.forward(x, state);
 */
export class LSTMCell extends RecurrentCell {
  readonly stateNames = ['h', 'c'];
  readonly sequenceCell = 'lstm';

  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    super('LSTMCell', inputSize, hiddenSize, 4, options);
  }

  step(gi: Tensor, [h, c]: readonly Tensor[]): Tensor[] {
    return lstmStep(gi, h!, c!, this);
  }

  forward(x: Tensor, state?: readonly [Tensor, Tensor]): [Tensor, Tensor] {
    const [h, c] = this.run(x, state);
    return [h!, c!];
  }
}

/**
 * A gated recurrent unit (Cho et al., 2014), PyTorch's `nn.GRUCell`. With the gates stacked in
 * the order r, z, n:
 *
 * ```text
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  candidate
 * h' = (1 − z) ⊙ n + z ⊙ h
 * ```
 *
 * Note that `b_hn` is inside the product with r (PyTorch's and cuDNN's variant). Input `[B, I]`
 * (or `[I]`), state `[B, H]` (zeros when omitted); returns the new `h`.
 *
 * @example
 * const cell = new GRUCell(10, 20);
 * const h1 = cell.forward(x0);
 * const h2 = cell.forward(x1, h1);
 */
export class GRUCell extends RecurrentCell {
  readonly stateNames = ['h'];
  readonly sequenceCell = 'gru';

  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    super('GRUCell', inputSize, hiddenSize, 3, options);
  }

  step(gi: Tensor, [h]: readonly Tensor[]): Tensor[] {
    return [gruStep(gi, h!, this)];
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.run(x, h && [h])[0]!;
  }
}
