import type { Tensor } from '@mlblocks/autograd';

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
  const [i, f, g, o] = gi.add(affine(h, w.weightHh, w.biasHh)).split(4, -1) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  const cNext = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(cNext.tanh()), cNext];
}

/** One GRU step from the input projection (gate order r, z, n); `h' = (1 − z) ⊙ n + z ⊙ h`. */
export function gruStep(gi: Tensor, h: Tensor, w: CellWeights): Tensor {
  const [ri, zi, ni] = gi.split(3, -1) as [Tensor, Tensor, Tensor];
  const [rh, zh, nh] = affine(h, w.weightHh, w.biasHh).split(3, -1) as [Tensor, Tensor, Tensor];
  const r = ri.add(rh).sigmoid();
  const z = zi.add(zh).sigmoid();
  // b_hn sits inside the reset gate's product, as in PyTorch (and cuDNN)
  const n = ni.add(r.mul(nh)).tanh();
  // (1 − z) ⊙ n + z ⊙ h, written with one fewer op
  return n.add(z.mul(h.sub(n)));
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
