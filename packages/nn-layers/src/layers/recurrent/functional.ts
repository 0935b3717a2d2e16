import { gruCellUpdate, lstmCellUpdate, type Tensor } from '@mlblocks/autograd';

/**
 * The four tensors of one recurrent cell, in PyTorch's layout: `weightIh` `[gates·H, I]`,
 * `weightHh` `[gates·H, H]`, `biasIh`/`biasHh` `[gates·H]` (or null), gates stacked along the
 * first axis (LSTM: i, f, g, o; GRU: r, z, n; plain RNN: one).
 */
export interface CellWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/** Nonlinearity of a plain (Elman) RNN. */
export type RNNNonlinearity = 'tanh' | 'relu';

/** `x·Wᵀ + b` over the last axis of a `[B, K]` input. */
export function affine(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const y = x.matmul(weight.transpose());
  return bias ? y.add(bias) : y;
}

// NOTE: the steps take the input projection `gi = x·W_ihᵀ + b_ih` already computed, so a layer
// can project a whole sequence with one matmul and only the recurrent part runs per step.

/** One Elman step from the input projection: `h' = act(gi + h·W_hhᵀ + b_hh)`. */
export function rnnStep(gi: Tensor, h: Tensor, w: CellWeights, nonlinearity: RNNNonlinearity): Tensor {
  const pre = gi.add(affine(h, w.weightHh, w.biasHh));
  return nonlinearity === 'relu' ? pre.relu() : pre.tanh();
}

/** One LSTM step from the input projection (gate order i, f, g, o); returns `[h', c']`. */
export function lstmStep(gi: Tensor, h: Tensor, c: Tensor, w: CellWeights): [Tensor, Tensor] {
  // c′ = σ(f)·c + σ(i)·tanh(g), h′ = σ(o)·tanh(c′): one fused update (autograd's lstmCellUpdate)
  const [hNext, cNext] = lstmCellUpdate(gi.add(affine(h, w.weightHh, w.biasHh)), c).split(2, -1) as [
    Tensor,
    Tensor,
  ];
  return [hNext, cNext];
}

/** One GRU step from the input projection (gate order r, z, n); `h' = (1 − z) ⊙ n + z ⊙ h`. */
export function gruStep(gi: Tensor, h: Tensor, w: CellWeights): Tensor {
  // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n) — b_hn inside the reset gate's
  // product, as in PyTorch (and cuDNN) — and h′ = (1 − z)·n + z·h: one fused update
  return gruCellUpdate(gi, affine(h, w.weightHh, w.biasHh), h);
}

/**
 * One step of an Elman RNN cell on `x` `[B, I]` and `h` `[B, H]` (no shape checks; see `RNNCell`):
 * `h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)` (or relu).
 *
 * @example
 * const h1 = rnnCell(x, h0, { weightIh, weightHh, biasIh: null, biasHh: null });
 */
export function rnnCell(
  x: Tensor,
  h: Tensor,
  w: CellWeights,
  nonlinearity: RNNNonlinearity = 'tanh',
): Tensor {
  return rnnStep(affine(x, w.weightIh, w.biasIh), h, w, nonlinearity);
}

/** One LSTM step on `x` `[B, I]` and `[h, c]` `[B, H]` each (no shape checks; see `LSTMCell`). */
export function lstmCell(x: Tensor, [h, c]: readonly [Tensor, Tensor], w: CellWeights): [Tensor, Tensor] {
  return lstmStep(affine(x, w.weightIh, w.biasIh), h, c, w);
}

/** One GRU step on `x` `[B, I]` and `h` `[B, H]` (no shape checks; see `GRUCell`). */
export function gruCell(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  return gruStep(affine(x, w.weightIh, w.biasIh), h, w);
}
