import type { Storage } from '../backend/backend.js';
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { fusedKernel } from '../runtime/fusion.js';
import { binary, sameBackend, unary } from './elementwise.js';
import { concat } from './join.js';
import { NDArray } from './ndarray.js';

/**
 * The gate arithmetic of LSTM and GRU cells, fused where the backend has kernels for it
 * (`lstmCell`, `lstmCellGrad`, `gruCell`, `gruCellGrad`), else composed here from element-wise
 * ops — the readable statement of what those kernels compute. The matrix products that make the
 * gates' pre-activations stay with the caller (one matmul per step, or per sequence).
 */

/** Checks `[B, k·H]` operands against the state `[B, H]`: same float dtype, backend and batch. */
function checkCell(op: string, state: NDArray, parts: readonly [NDArray, number, string][]): number {
  if (state.rank !== 2) throw new ShapeError(op, `expects a state [B, H], got ${fmtShape(state.shape)}`);
  if (state.dtype !== 'float32' && state.dtype !== 'float64')
    throw new DTypeError(op, `needs float32 or float64 arrays, got ${state.dtype}`);
  const [B, H] = state.shape as [number, number];
  for (const [a, k, name] of parts) {
    sameBackend(op, state, a);
    if (a.dtype !== state.dtype)
      throw new DTypeError(op, `${name} has dtype ${a.dtype}, the state ${state.dtype}; they must match`);
    if (a.rank !== 2 || a.shape[0] !== B || a.shape[1] !== k * H) {
      throw new ShapeError(
        op,
        `${name} must be ${fmtShape([B, k * H])} for a state ${fmtShape([B, H])}, got ${fmtShape(a.shape)}`,
      );
    }
  }
  return H;
}

const sigmoid = (x: NDArray) => unary('sigmoid', x);
const tanh = (x: NDArray) => unary('tanh', x);
const mul = (a: NDArray, b: NDArray | number) => binary('mul', a, b);
const add = (a: NDArray, b: NDArray | number) => binary('add', a, b);
const sub = (a: NDArray | number, b: NDArray) =>
  typeof a === 'number' ? binary('add', unary('neg', b), a) : binary('sub', a, b);
const cols = (x: NDArray, k: number, H: number) => x.slice(null, [k * H, (k + 1) * H]);

/**
 * One LSTM step's state update from the gate pre-activations `gates` `[B, 4H]` (i, f, g, o) and
 * the cell state `c` `[B, H]`: `[h′ | c′]` `[B, 2H]`, c′ = σ(f)·c + σ(i)·tanh(g), h′ = σ(o)·tanh(c′).
 */
export function lstmCell(gates: NDArray, c: NDArray): NDArray {
  const H = checkCell('lstmCell', c, [[gates, 4, 'gates']]);
  return tidy(() => {
    const [gv, cv] = [gates.contiguous(), c.contiguous()];
    const kernel = fusedKernel(c.backend, 'lstmCell');
    if (kernel)
      return wrap(kernel.call(c.backend, gv.view('lstmCell'), cv.view('lstmCell')), [c.shape[0]!, 2 * H], c);
    const [i, f, g, o] = [0, 1, 2, 3].map((k) => cols(gv, k, H));
    const i1 = sigmoid(i!);
    const cNext = add(mul(sigmoid(f!), cv), mul(i1, tanh(g!)));
    return concat([mul(sigmoid(o!), tanh(cNext)), cNext], 1);
  });
}

/**
 * The gradient of {@link lstmCell}: from its inputs, its output `[h′ | c′]` and that output's
 * gradient `[dh′ | dc′]`, the gradients `[dGates, dc]` of its inputs.
 */
export function lstmCellGrad(gates: NDArray, c: NDArray, out: NDArray, dOut: NDArray): [NDArray, NDArray] {
  const H = checkCell('lstmCellGrad', c, [
    [gates, 4, 'gates'],
    [out, 2, 'the output'],
    [dOut, 2, "the output's gradient"],
  ]);
  return tidy(() => {
    const [gv, cv, ov, dv] = [gates, c, out, dOut].map((a) => a.contiguous()) as [
      NDArray,
      NDArray,
      NDArray,
      NDArray,
    ];
    const kernel = fusedKernel(c.backend, 'lstmCellGrad');
    if (kernel) {
      const [dg, dc] = kernel.call(
        c.backend,
        gv.view('lstmCellGrad'),
        cv.view('lstmCellGrad'),
        ov.view('lstmCellGrad'),
        dv.view('lstmCellGrad'),
      );
      return [wrap(dg, gates.shape, c), wrap(dc, c.shape, c)];
    }
    const [i, f, g, o] = [0, 1, 2, 3]
      .map((k) => cols(gv, k, H))
      .map((x, k) => (k === 2 ? tanh(x) : sigmoid(x))) as [NDArray, NDArray, NDArray, NDArray];
    const tc = tanh(cols(ov, 1, H));
    const dh = cols(dv, 0, H);
    const dcNext = add(cols(dv, 1, H), mul(mul(dh, o), sub(1, mul(tc, tc))));
    const dSigmoid = (s: NDArray) => mul(s, sub(1, s));
    const dGates = concat(
      [
        mul(mul(dcNext, g), dSigmoid(i)),
        mul(mul(dcNext, cv), dSigmoid(f)),
        mul(mul(dcNext, i), sub(1, mul(g, g))),
        mul(mul(dh, tc), dSigmoid(o)),
      ],
      1,
    );
    return [dGates, mul(dcNext, f)];
  });
}

/**
 * One GRU step's state update from the input projection `gi` `[B, 3H]`, the recurrent projection
 * `gh` `[B, 3H]` (r, z, n; b_hn inside gh, as in PyTorch) and `h` `[B, H]`: h′ = n + z·(h − n)
 * with r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n).
 */
export function gruCell(gi: NDArray, gh: NDArray, h: NDArray): NDArray {
  const H = checkCell('gruCell', h, [
    [gi, 3, 'the input projection'],
    [gh, 3, 'the recurrent projection'],
  ]);
  return tidy(() => {
    const [iv, rv, hv] = [gi.contiguous(), gh.contiguous(), h.contiguous()];
    const kernel = fusedKernel(h.backend, 'gruCell');
    if (kernel)
      return wrap(
        kernel.call(h.backend, iv.view('gruCell'), rv.view('gruCell'), hv.view('gruCell')),
        h.shape,
        h,
      );
    const { z, n } = gruGates(iv, rv, H);
    return add(n, mul(z, sub(hv, n)));
  });
}

function gruGates(gi: NDArray, gh: NDArray, H: number) {
  const r = sigmoid(add(cols(gi, 0, H), cols(gh, 0, H)));
  const z = sigmoid(add(cols(gi, 1, H), cols(gh, 1, H)));
  const nh = cols(gh, 2, H);
  const n = tanh(add(cols(gi, 2, H), mul(r, nh)));
  return { r, z, n, nh };
}

/** The gradient of {@link gruCell}: from its inputs and dh′ `[B, H]`, `[dgi, dgh, dh]`. */
export function gruCellGrad(
  gi: NDArray,
  gh: NDArray,
  h: NDArray,
  dOut: NDArray,
): [NDArray, NDArray, NDArray] {
  const H = checkCell('gruCellGrad', h, [
    [gi, 3, 'the input projection'],
    [gh, 3, 'the recurrent projection'],
    [dOut, 1, "the output's gradient"],
  ]);
  return tidy(() => {
    const [iv, rv, hv, dv] = [gi, gh, h, dOut].map((a) => a.contiguous()) as [
      NDArray,
      NDArray,
      NDArray,
      NDArray,
    ];
    const kernel = fusedKernel(h.backend, 'gruCellGrad');
    if (kernel) {
      const [a, b, d] = kernel.call(
        h.backend,
        iv.view('gruCellGrad'),
        rv.view('gruCellGrad'),
        hv.view('gruCellGrad'),
        dv.view('gruCellGrad'),
      );
      return [wrap(a, gi.shape, h), wrap(b, gh.shape, h), wrap(d, h.shape, h)];
    }
    const { r, z, n, nh } = gruGates(iv, rv, H);
    const dn = mul(mul(dv, sub(1, z)), sub(1, mul(n, n)));
    const dr = mul(mul(dn, nh), mul(r, sub(1, r)));
    const dz = mul(mul(dv, sub(hv, n)), mul(z, sub(1, z)));
    return [concat([dr, dz, dn], 1), concat([dr, dz, mul(dn, r)], 1), mul(dv, z)];
  });
}

function wrap(storage: Storage, shape: readonly number[], like: NDArray): NDArray {
  return NDArray.fromStorage(storage, shape, like.dtype);
}
