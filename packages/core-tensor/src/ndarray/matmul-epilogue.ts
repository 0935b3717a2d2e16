import { FUSED_ACTIVATIONS, type FusedActivation } from '../backend/ops.js';
import { isIntegral } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { fusedKernel } from '../runtime/fusion.js';
import { broadcastView, sameBackend, where } from './elementwise.js';
import { matmul } from './linalg.js';
import { NDArray } from './ndarray.js';

/**
 * A layer's matrix product with its element-wise epilogue — bias, then activation — and the
 * activation's gradient. Where the backend has the `matmulBiasActivation` / `activationGrad`
 * kernels (and fusion is on) each is one kernel instead of two to four; else the composition
 * below runs, the readable reference the fused kernels are checked against.
 */

/**
 * Checks that `activation` names one of {@link FUSED_ACTIVATIONS}, else a `ValueError` naming `op`
 * and the valid ones — for layers and ops that take an activation option.
 *
 * @example
 * checkActivation('Linear', options.activation ?? 'none');
 */
export function checkActivation(op: string, activation: string): asserts activation is FusedActivation {
  if (!(FUSED_ACTIVATIONS as readonly string[]).includes(activation))
    throw new ValueError(
      op,
      `unknown activation ${JSON.stringify(activation)}; valid ones are ${FUSED_ACTIVATIONS.join(', ')}`,
    );
}

/**
 * `activation(a @ b + bias)`: `a` `[..., M, K]` (any batch axes) times the matrix `b` `[K, N]`,
 * plus `bias` `[N]` (or null), through `activation` (`none`, `relu`, `tanh`, `sigmoid`) — a fully
 * connected layer's forward pass in one kernel where the backend fuses it. Float operands; the
 * result has matmul's dtype.
 *
 * @example
 * const h = matmulBiasActivation(x, w.transpose(), b, 'relu'); // relu(x·Wᵀ + b), [batch, out]
 */
export function matmulBiasActivation(
  a: NDArray,
  b: NDArray,
  bias: NDArray | null,
  activation: FusedActivation = 'none',
): NDArray {
  const op = 'matmulBiasActivation';
  checkActivation(op, activation);
  for (const x of bias ? [a, b, bias] : [a, b]) x.checkLive(op);
  if (b.rank !== 2)
    throw new ShapeError(op, `the right operand must be a matrix [K, N], got ${fmtShape(b.shape)}`);
  if (a.rank < 2)
    throw new ShapeError(
      op,
      `the left operand must be [..., M, K] (at least 2 axes), got ${fmtShape(a.shape)}`,
    );
  const N = b.shape[1]!;
  if (bias) {
    sameBackend(op, a, bias);
    if (bias.rank !== 1 || bias.shape[0] !== N)
      throw new ShapeError(
        op,
        `bias must be [${N}] for a product with ${N} columns, got ${fmtShape(bias.shape)}`,
      );
  }
  const kernel = fusedKernel(a.backend, op);
  const dtypes = new Set([a.dtype, b.dtype, ...(bias ? [bias.dtype] : [])]);
  const [dtype] = dtypes;
  const fusable = kernel && dtypes.size === 1 && !isIntegral(dtype!);
  if (!fusable) {
    return tidy(() => {
      const product = matmul(a, b);
      const y = bias ? product.add(bias) : product;
      return activation === 'none' ? y : y[activation]();
    });
  }
  sameBackend(op, a, b);
  const K = a.shape[a.rank - 1]!;
  if (b.shape[0] !== K)
    throw new ShapeError(
      op,
      `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned (${K} ≠ ${b.shape[0]})`,
    );
  const batch = a.shape.slice(0, -2);
  const storage = kernel.call(
    a.backend,
    a.view(op),
    broadcastView(op, b, [...batch, K, N]),
    bias ? bias.view(op) : null,
    activation,
  );
  return NDArray.fromStorage(storage, [...a.shape.slice(0, -1), N], dtype!);
}

/**
 * The gradient through `activation` from its output `y` and the output's gradient `dy` (float, one
 * shape): `dy·act′(y)` — relu: `dy` where `y > 0`, else 0; tanh: `dy·(1 − y²)`; sigmoid:
 * `dy·y·(1 − y)`; none: a copy of `dy`. One kernel where the backend fuses it.
 *
 * @example
 * const dz = activationGrad('relu', h, dh); // the backward pass of matmulBiasActivation's relu
 */
export function activationGrad(activation: FusedActivation, y: NDArray, dy: NDArray): NDArray {
  const op = 'activationGrad';
  checkActivation(op, activation);
  y.checkLive(op);
  dy.checkLive(op);
  sameBackend(op, y, dy);
  if (fmtShape(y.shape) !== fmtShape(dy.shape))
    throw new ShapeError(
      op,
      `y and dy must have one shape, got ${fmtShape(y.shape)} and ${fmtShape(dy.shape)}`,
    );
  if (y.dtype !== dy.dtype || isIntegral(y.dtype))
    throw new DTypeError(op, `y and dy must share a float dtype, got ${y.dtype} and ${dy.dtype}`);
  const kernel = fusedKernel(y.backend, op);
  if (kernel)
    return NDArray.fromStorage(kernel.call(y.backend, activation, y.view(op), dy.view(op)), y.shape, y.dtype);
  return tidy(() => {
    switch (activation) {
      case 'none':
        return dy.clone();
      case 'relu':
        return where(y.gt(0), dy, 0);
      case 'tanh':
        return dy.mul(y.square().neg().add(1));
      case 'sigmoid':
        return dy.mul(y).mul(y.neg().add(1));
    }
  });
}
