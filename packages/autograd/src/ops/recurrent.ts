import {
  gruCell as ndGruCell,
  gruCellGrad as ndGruCellGrad,
  lstmCell as ndLstmCell,
  lstmCellGrad as ndLstmCellGrad,
} from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';

/**
 * One LSTM step's state update, fused: from the gate pre-activations `gates` `[B, 4H]` (i, f, g,
 * o — the sum of the input and recurrent projections) and the cell state `c` `[B, H]`, returns
 * `[h′ | c′]` `[B, 2H]` (split it with `.split(2, -1)`): c′ = σ(f)·c + σ(i)·tanh(g),
 * h′ = σ(o)·tanh(c′). Its backward recomputes the gates from `gates` rather than keeping them.
 *
 * @example
 * const [h1, c1] = lstmCellUpdate(x.matmul(wIh.transpose()).add(h0.matmul(wHh.transpose())), c0).split(2, -1);
 */
export function lstmCellUpdate(gates: Tensor, c: Tensor): Tensor {
  return record('lstmCell', [gates, c], (g, cs) => {
    const out = ndLstmCell(g, cs);
    return {
      out,
      saved: [g, cs, out],
      backward: (d, [gs, cp, o]) => ndLstmCellGrad(gs!, cp!, o!, d),
    };
  });
}

/**
 * One GRU step's state update, fused: from the input projection `gi` `[B, 3H]`, the recurrent
 * projection `gh` `[B, 3H]` (r, z, n; with b_hn, as in PyTorch) and `h` `[B, H]`:
 * h′ = (1 − z)·n + z·h, r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n).
 */
export function gruCellUpdate(gi: Tensor, gh: Tensor, h: Tensor): Tensor {
  return record('gruCell', [gi, gh, h], (a, b, hs) => ({
    out: ndGruCell(a, b, hs),
    saved: [a, b, hs],
    backward: (d, [ai, bi, hi]) => ndGruCellGrad(ai!, bi!, hi!, d),
  }));
}
