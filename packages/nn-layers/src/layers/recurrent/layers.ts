import { concat, stack, type Tensor, where } from '@mlblocks/autograd';
import {
  arange,
  checkOptions,
  fromArray,
  type NDArray,
  type OptionNames,
  ShapeError,
  ValueError,
} from '@mlblocks/core-tensor';
import type { InitOptions } from '../../init/initializers.js';
import { Module } from '../../module/module.js';
import {
  CELL_OPTIONS,
  fmt,
  GRUCell,
  LSTMCell,
  type RecurrentCell,
  type RecurrentCellOptions,
  RNNCell,
} from './cells.js';
import type { RNNNonlinearity } from './functional.js';

/** Options of `RNN`, `LSTM` and `GRU` (PyTorch's, in camelCase). */
export interface RecurrentLayerOptions extends InitOptions {
  /** Stacked layers; layer l > 0 reads layer l − 1's output. Default 1. */
  numLayers?: number;
  /** Learn the biases (default true). */
  bias?: boolean;
  /** Inputs and outputs are `[B, T, …]` instead of `[T, B, …]` (states are not affected). Default false. */
  batchFirst?: boolean;
  /** Dropout probability on each layer's output except the last, in training mode only. Default 0. */
  dropout?: number;
  /** Add a second set of cells that reads the sequence backwards; outputs are concatenated. Default false. */
  bidirectional?: boolean;
}

/**
 * Options of a recurrent layer's `forward`. `lengths` makes a padded batch behave like PyTorch's
 * packed sequences: sequence b is its first `lengths[b]` steps; beyond them its state stops
 * changing (so the final states are those of its last real step, and the backward direction
 * starts at that step) and its outputs are zeros — the padding cannot change the result.
 */
export interface SequenceOptions {
  /** Real length of each sequence of the batch, in 1…T (T when omitted). */
  lengths?: readonly number[];
}

const SEQUENCE_OPTIONS: OptionNames<SequenceOptions> = { lengths: true };

/** Options of `RNN`. */
export interface RNNOptions extends RecurrentLayerOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: RNNNonlinearity;
}

const LAYER_OPTIONS: OptionNames<RecurrentLayerOptions> = {
  ...CELL_OPTIONS,
  numLayers: true,
  batchFirst: true,
  dropout: true,
  bidirectional: true,
};
const RNN_LAYER_OPTIONS: OptionNames<RNNOptions> = { ...LAYER_OPTIONS, nonlinearity: true };

// What a layer's cells take of its options.
function cellOptions(o: RecurrentLayerOptions): RecurrentCellOptions {
  return { bias: o.bias, generator: o.generator, backend: o.backend };
}

/**
 * What RNN, LSTM and GRU share: a stack of `numLayers` cells per direction, run over a sequence.
 *
 * Parameters live in the cells: `cells.{l}.weightIh` is layer l read forwards and
 * `cellsReverse.{l}.weightIh` (bidirectional only) layer l read backwards — PyTorch's
 * `weight_ih_l{l}` and `weight_ih_l{l}_reverse` (see `torchParameterName`), with the same shapes:
 * `weightIh` is `[gates·H, I]` in layer 0 and `[gates·H, D·H]` above it (D = 1 or 2 directions).
 *
 * States (`h0`, `c0`, `hN`, `cN`) are `[numLayers·D, B, H]`, indexed `l·D + d` as in PyTorch
 * (d = 0 forwards, 1 backwards); they are `[numLayers·D, H]` for an unbatched `[T, I]` input.
 */
export abstract class RecurrentLayer<C extends RecurrentCell> extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Layer l, reading the sequence forwards. */
  cells: C[] = [];
  /** Layer l, reading the sequence backwards (empty unless bidirectional). */
  cellsReverse: C[] = [];
  /**
   * Run each layer's steps as one autograd op (`recurrentSequence`: one weight-gradient product
   * per layer instead of one per step). False runs the per-step composition of autograd ops,
   * the readable reference — same values, more ops. Sequences with `lengths` always run per step.
   * Default true.
   */
  fused = true;

  constructor(
    /** `LSTM`, … (used in error messages). */
    readonly kind: string,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentLayerOptions,
    makeCell: (inputSize: number) => C,
    validOptions: OptionNames<RecurrentLayerOptions> = LAYER_OPTIONS,
  ) {
    super();
    checkOptions(kind, options, validOptions);
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false } = options;
    if (!Number.isInteger(numLayers) || numLayers < 1)
      throw new ValueError(kind, `numLayers must be a positive integer, got ${numLayers}`);
    if (!(dropout >= 0 && dropout <= 1))
      throw new ValueError(kind, `dropout must be in [0, 1], got ${dropout}`);
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    // NOTE: created in PyTorch's order (l0, l0_reverse, l1, …) so a seeded generator is drawn alike
    for (let l = 0; l < numLayers; l++) {
      const size = l === 0 ? inputSize : hiddenSize * this.numDirections;
      this.cells.push(makeCell(size));
      if (bidirectional) this.cellsReverse.push(makeCell(size));
    }
  }

  /** 2 if bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** `LSTM(3 → 4, numLayers 2, bidirectional)`. */
  override toString(): string {
    const extras = [
      this.numLayers > 1 ? `numLayers ${this.numLayers}` : '',
      this.bidirectional ? 'bidirectional' : '',
      this.batchFirst ? 'batchFirst' : '',
    ].filter(Boolean);
    return `${this.kind}(${this.inputSize} → ${this.hiddenSize}${extras.map((e) => `, ${e}`).join('')})`;
  }

  /**
   * Runs the stack over `x` from the initial state (one `[L·D, B, H]` tensor per state part,
   * zeros when omitted). Returns the last layer's outputs and the final state parts.
   */
  protected run(
    x: Tensor,
    initial: readonly Tensor[] | undefined,
    options: SequenceOptions = {},
  ): [Tensor, Tensor[]] {
    const op = `${this.kind}.forward`;
    checkOptions(op, options, SEQUENCE_OPTIONS);
    const layout = this.batchFirst ? 'B, T' : 'T, B';
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new ShapeError(
        op,
        `${this} expects an input of shape [${layout}, ${this.inputSize}] (or [T, ${this.inputSize}] unbatched), got ${fmt(x.shape)}`,
      );
    }
    const unbatched = x.rank === 2;
    // time-major from here on: [T, B, I]
    let input = unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
    const [steps, batch] = input.shape as [number, number];
    if (steps === 0) throw new ShapeError(op, `${this}: the sequence is empty (input ${fmt(x.shape)})`);
    const cell0 = this.cells[0]!;
    const layers = this.numLayers * this.numDirections;
    const expected = unbatched ? [layers, this.hiddenSize] : [layers, batch, this.hiddenSize];
    initial?.forEach((s, i) => {
      if (s.rank !== expected.length || s.shape.some((d, j) => d !== expected[j])) {
        throw new ShapeError(
          op,
          `${this}: initial state ${cell0.stateNames[i]}0 must have shape ${fmt(expected)} (numLayers·numDirections, ${unbatched ? '' : 'B, '}H) for an input of shape ${fmt(x.shape)}, got ${fmt(s.shape)}`,
        );
      }
    });
    const start = initial?.map((s) => (unbatched ? s.unsqueeze(1) : s));
    const masks = options.lengths && stepMasks(op, String(this), options.lengths, steps, batch, input.array);
    const finals: Tensor[][] = cell0.stateNames.map(() => []);
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const cell = (d === 0 ? this.cells : this.cellsReverse)[l]!;
        const k = l * this.numDirections + d;
        let state = start ? start.map((s) => s.slice(k)) : cell.zeroState(batch, input);
        const projected = cell.project(input); // [T, B, gates·H]: one matmul for the whole sequence
        if (!masks && this.fused) {
          const y = cell.sequence(projected, state, d === 1);
          const H = this.hiddenSize;
          const last = y.slice(d === 0 ? steps - 1 : 0); // the state after the last step computed
          outputs.push(state.length === 2 ? y.slice(null, null, [0, H]) : y);
          const parts =
            state.length === 2 ? [last.slice(null, [0, H]), last.slice(null, [H, 2 * H])] : [last];
          parts.forEach((s, j) => {
            finals[j]!.push(s);
          });
          continue;
        }
        const hs: Tensor[] = new Array(steps);
        for (let i = 0; i < steps; i++) {
          const t = d === 0 ? i : steps - 1 - i;
          const next = cell.step(projected.slice(t), state);
          const mask = masks?.[t];
          // a padded step keeps the state it was given and outputs zeros
          state = mask ? next.map((s, j) => where(mask, s, state[j]!)) : next;
          hs[t] = mask ? where(mask, next[0]!, 0) : next[0]!;
        }
        outputs.push(stack(hs, 0));
        state.forEach((s, j) => {
          finals[j]!.push(s);
        });
      }
      input = outputs.length === 1 ? outputs[0]! : concat(outputs, -1);
      if (l < this.numLayers - 1 && this.dropout > 0 && this.training) {
        input = input.dropout(this.dropout, { training: true });
      }
    }
    const output = unbatched ? input.squeeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    for (const m of masks ?? []) m?.dispose();
    return [output, finals.map((parts) => (unbatched ? stack(parts, 0).squeeze(1) : stack(parts, 0)))];
  }
}

/**
 * Per step t, a `[B, 1]` bool mask of the sequences still running (t < lengths[b]), or null where
 * all are; checks `lengths` against the batch.
 */
function stepMasks(
  op: string,
  layer: string,
  lengths: readonly number[],
  steps: number,
  batch: number,
  like: NDArray,
): (NDArray | null)[] {
  if (lengths.length !== batch || lengths.some((n) => !Number.isInteger(n) || n < 1 || n > steps)) {
    throw new ValueError(
      op,
      `${layer}: lengths must be ${batch} integers in 1…${steps} (one per sequence of the batch, at most the ${steps} steps of the input), got [${lengths.join(', ')}]`,
    );
  }
  const backend = like.backend.name;
  const len = fromArray(Int32Array.from(lengths), { shape: [batch, 1], backend });
  try {
    return Array.from({ length: steps }, (_, t) =>
      lengths.every((n) => n > t) ? null : arange(t, t + 1, 1, { dtype: 'int32', backend }).lt(len),
    );
  } finally {
    len.dispose();
  }
}

/**
 * A multi-layer Elman RNN, PyTorch's `nn.RNN`: each layer runs an `RNNCell`,
 * `h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)` (or ReLU), over the sequence.
 *
 * `forward(x, h0?)` takes `x` `[T, B, I]` (`[B, T, I]` with `batchFirst`, `[T, I]` unbatched)
 * and returns `[output, hN]`: the last layer's `h_t` for every t, `[T, B, D·H]` (both
 * directions concatenated), and every layer's final state, `[numLayers·D, B, H]`.
 *
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forward(x); // x [5, 3, 10] → output [5, 3, 20], hN [2, 3, 20]
 */
export class RNN extends RecurrentLayer<RNNCell> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(
      'RNN',
      inputSize,
      hiddenSize,
      options,
      (size) =>
        new RNNCell(size, hiddenSize, { ...cellOptions(options), nonlinearity: options.nonlinearity }),
      RNN_LAYER_OPTIONS,
    );
  }

  /** `'tanh'` or `'relu'`. */
  get nonlinearity(): RNNNonlinearity {
    return this.cells[0]!.nonlinearity;
  }

  forward(x: Tensor, h0?: Tensor, options?: SequenceOptions): [Tensor, Tensor] {
    const [output, [hN]] = this.run(x, h0 && [h0], options);
    return [output, hN!];
  }
}

/**
 * A multi-layer LSTM, PyTorch's `nn.LSTM` (without `proj_size`): each layer runs an `LSTMCell`
 * (gates i, f, g, o; `c_t = f ⊙ c_{t−1} + i ⊙ g`, `h_t = o ⊙ tanh(c_t)`) over the sequence.
 *
 * `forward(x, [h0, c0]?)` takes `x` `[T, B, I]` (`[B, T, I]` with `batchFirst`, `[T, I]`
 * unbatched) and returns `[output, [hN, cN]]`: output `[T, B, D·H]`, states `[numLayers·D, B, H]`.
 *
 * @example
 * const lstm = new LSTM(10, 20, { numLayers: 2, bidirectional: true, batchFirst: true });
 * const [output, [hN, cN]] = lstm.forward(x); // x [3, 5, 10] → output [3, 5, 40], hN, cN [4, 3, 20]
 */
export class LSTM extends RecurrentLayer<LSTMCell> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super(
      'LSTM',
      inputSize,
      hiddenSize,
      options,
      (size) => new LSTMCell(size, hiddenSize, cellOptions(options)),
    );
  }

  forward(
    x: Tensor,
    state?: readonly [Tensor, Tensor],
    options?: SequenceOptions,
  ): [Tensor, [Tensor, Tensor]] {
    const [output, [hN, cN]] = this.run(x, state, options);
    return [output, [hN!, cN!]];
  }
}

/**
 * A multi-layer GRU, PyTorch's `nn.GRU`: each layer runs a `GRUCell` (gates r, z, n;
 * `h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}`) over the sequence. Shapes as `RNN`.
 *
 * @example
 * const gru = new GRU(10, 20);
 * const [output, hN] = gru.forward(x, h0); // x [5, 3, 10], h0 [1, 3, 20]
 */
export class GRU extends RecurrentLayer<GRUCell> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super(
      'GRU',
      inputSize,
      hiddenSize,
      options,
      (size) => new GRUCell(size, hiddenSize, cellOptions(options)),
    );
  }

  forward(x: Tensor, h0?: Tensor, options?: SequenceOptions): [Tensor, Tensor] {
    const [output, [hN]] = this.run(x, h0 && [h0], options);
    return [output, hN!];
  }
}

/**
 * PyTorch's name for a recurrent parameter, for exchanging checkpoints:
 * `cells.1.weightIh` → `weight_ih_l1`, `lstm.cellsReverse.0.biasHh` → `lstm.bias_hh_l0_reverse`,
 * and a cell's `weightIh` → `weight_ih`. Other names are returned unchanged.
 */
export function torchParameterName(name: string): string {
  const snake = (p: string) => p.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const layer = /^(.*?)(cells|cellsReverse)\.(\d+)\.(weightIh|weightHh|biasIh|biasHh)$/.exec(name);
  if (layer) {
    const [, prefix, group, l, param] = layer;
    return `${prefix}${snake(param!)}_l${l}${group === 'cellsReverse' ? '_reverse' : ''}`;
  }
  return name.replace(
    /(^|\.)(weightIh|weightHh|biasIh|biasHh)$/,
    (_, dot: string, p: string) => dot + snake(p),
  );
}
