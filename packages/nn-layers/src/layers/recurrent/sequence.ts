import { record, type Tensor } from '@mlblocks/autograd';
import {
  concat,
  gruCell,
  gruCellGrad,
  lstmCell,
  lstmCellGrad,
  type NDArray,
  stack,
  zeros,
} from '@mlblocks/core-tensor';

/** The cell a sequence op runs: LSTM, GRU, or an Elman RNN with its nonlinearity. */
export type SequenceCell = 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu';

/**
 * One direction of one recurrent layer over a whole sequence, as a single autograd op — what
 * cuDNN and PyTorch's fused RNNs do. The per-step composition (`RecurrentCell.step` in a loop)
 * records a matmul, a transpose, bias adds and a cell per time step, and its backward adds T
 * separate `[gates·H, H]` gradients of `W_hh`, one product of B rows each; here the backward
 * walks the steps in reverse carrying only `dh` (and `dc`), then forms
 * `dW_hh = Σₜ dGₜᵀ·hₜ₋₁` and `db_hh` with one product over all T·B rows.
 *
 * `projected` is `[T, B, gates·H]` (the input projection `x·W_ihᵀ + b_ih`, its gradient flows
 * back through it), `state0` the initial `[B, H]` state (`[h, c]` for the LSTM). Returns `Y`,
 * `[T, B, H]` — or `[T, B, 2H]` for the LSTM, `[hₜ | cₜ]` — indexed by time whichever way the
 * sequence is read (`reverse` reads it from the last step).
 */
export function recurrentSequence(
  cell: SequenceCell,
  projected: Tensor,
  state0: readonly Tensor[],
  weightHh: Tensor,
  biasHh: Tensor | null,
  reverse: boolean,
): Tensor {
  const inputs = [projected, ...state0, weightHh, ...(biasHh ? [biasHh] : [])];
  const parts = state0.length;
  return record(`${cell}Sequence`, inputs, (gi, ...rest) => {
    const s0 = rest.slice(0, parts);
    const w = rest[parts]!;
    const b = biasHh ? rest[parts + 1]! : null;
    const { out, saved } = forward(cell, gi, s0, w, b, reverse);
    return {
      out,
      saved: [gi, out, w, ...s0, saved],
      backward: (dY, [giS, yS, wS, ...more], needed) => {
        const s0S = more.slice(0, parts);
        const perStep = more[parts]!;
        const grads = backward(cell, dY, giS!, yS!, wS!, s0S as NDArray[], perStep, reverse, {
          weight: needed[parts + 1]!,
          bias: biasHh !== null && needed[parts + 2]!,
        });
        return [grads.dGi, ...grads.dState, grads.dW, ...(biasHh ? [grads.db] : [])];
      },
    };
  });
}

// H from Y: [T, B, 2H] for the LSTM ([h | c]), [T, B, H] otherwise.
const hiddenOf = (cell: SequenceCell, y: NDArray) => (cell === 'lstm' ? y.shape[2]! / 2 : y.shape[2]!);

// Time steps in the order they are computed.
function order(T: number, reverse: boolean): number[] {
  return Array.from({ length: T }, (_, i) => (reverse ? T - 1 - i : i));
}

// Runs the steps; `saved` is what the backward needs besides Y: the LSTM's gates, the GRU's
// recurrent projection, or the RNN's output again (its derivative comes from it).
function forward(
  cell: SequenceCell,
  gi: NDArray,
  s0: NDArray[],
  w: NDArray,
  b: NDArray | null,
  reverse: boolean,
): { out: NDArray; saved: NDArray } {
  const T = gi.shape[0]!;
  const wT = w.transpose();
  let [h, c] = s0 as [NDArray, NDArray | undefined];
  const ys: NDArray[] = new Array(T);
  const extra: NDArray[] = new Array(T);
  for (const t of order(T, reverse)) {
    let gh = h.matmul(wT);
    if (b) gh = gh.add(b);
    if (cell === 'lstm') {
      const gates = gh.add(gi.slice(t));
      const out = lstmCell(gates, c!);
      extra[t] = gates;
      ys[t] = out;
      const H = out.shape[1]! / 2;
      h = out.slice(null, [0, H]);
      c = out.slice(null, [H, 2 * H]);
    } else if (cell === 'gru') {
      h = gruCell(gi.slice(t), gh, h);
      extra[t] = gh;
      ys[t] = h;
    } else {
      const pre = gh.add(gi.slice(t));
      h = cell === 'rnn-tanh' ? pre.tanh() : pre.relu();
      ys[t] = h;
    }
  }
  const out = stack(ys, 0);
  return { out, saved: cell === 'lstm' || cell === 'gru' ? stack(extra, 0) : out.ref() };
}

function backward(
  cell: SequenceCell,
  dY: NDArray,
  gi: NDArray,
  y: NDArray,
  w: NDArray,
  s0: NDArray[],
  perStep: NDArray,
  reverse: boolean,
  need: { weight: boolean; bias: boolean },
): { dGi: NDArray; dState: NDArray[]; dW: NDArray | null; db: NDArray | null } {
  const T = gi.shape[0]!;
  const B = gi.shape[1]!;
  const H = hiddenOf(cell, y);
  const steps = order(T, reverse);
  // the state step i (in computing order) started from: what the step before it output, or s0
  const before = (i: number) => y.slice(steps[i - 1]!);
  const hPrev = (i: number) => (i === 0 ? s0[0]! : before(i).slice(null, [0, H]));
  let dh = zeros([B, H], { dtype: y.dtype, backend: y.backend.name });
  let dc = cell === 'lstm' ? zeros([B, H], { dtype: y.dtype, backend: y.backend.name }) : null;
  const dGh: NDArray[] = new Array(T); // the gradient at h·W_hhᵀ + b_hh, per step
  const dGi: NDArray[] = new Array(T);
  for (let i = T - 1; i >= 0; i--) {
    const t = steps[i]!;
    const dOut = dY.slice(t).add(cell === 'lstm' ? concat([dh, dc!], 1) : dh);
    if (cell === 'lstm') {
      const cPrev = i === 0 ? s0[1]! : before(i).slice(null, [H, 2 * H]);
      const [dGates, dcPrev] = lstmCellGrad(perStep.slice(t), cPrev, y.slice(t), dOut);
      dGh[t] = dGi[t] = dGates;
      dc = dcPrev;
      dh = dGates.matmul(w);
    } else if (cell === 'gru') {
      const [dgi, dgh, dhDirect] = gruCellGrad(gi.slice(t), perStep.slice(t), hPrev(i), dOut);
      dGi[t] = dgi;
      dGh[t] = dgh;
      dh = dhDirect.add(dgh.matmul(w));
    } else {
      const out = y.slice(t);
      const slope = cell === 'rnn-tanh' ? out.square().neg().add(1) : out.gt(0).cast(out.dtype);
      const dPre = dOut.mul(slope);
      dGh[t] = dGi[t] = dPre;
      dh = dPre.matmul(w);
    }
  }
  const dGhAll = stack(dGh, 0).reshape(T * B, -1);
  return {
    dGi: cell === 'gru' ? stack(dGi, 0) : dGhAll.reshape(T, B, -1),
    dState: cell === 'lstm' ? [dh, dc!] : [dh],
    dW: need.weight ? dGhAll.transpose().matmul(statesRead(y, s0[0]!, H, reverse)) : null,
    db: need.bias ? dGhAll.sum(0) : null,
  };
}

// The states the steps read, in time order, [T·B, H]: h0 then the outputs of steps 0…T−2, or
// (reading backwards) the outputs of steps 1…T−1 then h0 — two copies, not T.
function statesRead(y: NDArray, h0: NDArray, H: number, reverse: boolean): NDArray {
  const [T, B] = [y.shape[0]!, y.shape[1]!];
  const first = h0.unsqueeze(0);
  if (T === 1) return first.reshape(B, H);
  const outs = reverse ? y.slice([1, T], null, [0, H]) : y.slice([0, T - 1], null, [0, H]);
  return concat(reverse ? [outs, first] : [first, outs], 0).reshape(T * B, H);
}
