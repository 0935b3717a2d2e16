import {
  activationGrad,
  checkActivation,
  checkOptions,
  type FusedActivation,
  matmulBiasActivation,
  type OptionNames,
  ShapeError,
} from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './shape.js';

/** Options of `linear`. */
export interface LinearOptions {
  /** Applied after the bias, in the same kernel where the backend fuses it (default `none`). */
  activation?: FusedActivation;
}

const LINEAR_OPTIONS: OptionNames<LinearOptions> = { activation: true };

/**
 * A fully connected layer's forward pass, `activation(x·Wᵀ + b)` — `x` `[..., in]`, `weight`
 * `[out, in]` (PyTorch's layout), `bias` `[out]` or null — as one op: product, bias and
 * activation run as one kernel where the backend fuses them (WebGPU, the CPU reference), and the
 * backward pass takes the activation's gradient from its output in one more:
 * dz = dy·act′(y), dx = dz·W, dW = dzᵀ·x (already `[out, in]`, no transpose), db = Σ dz.
 *
 * @example
 * const h = linear(x, w1, b1, { activation: 'relu' }); // relu(x·W1ᵀ + b1)
 * const logits = linear(h, w2, b2);
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: LinearOptions = {},
): Tensor {
  checkOptions('linear', options, LINEAR_OPTIONS);
  const activation = options.activation ?? 'none';
  checkActivation('linear', activation);
  const [out, inFeatures] = weight.shape as [number, number];
  if (weight.rank !== 2 || x.rank === 0 || x.shape[x.rank - 1] !== inFeatures)
    throw new ShapeError(
      'linear',
      `expects x [..., in] and weight [out, in], got x [${x.shape.join(',')}] and weight [${weight.shape.join(',')}]`,
    );
  if (bias && (bias.rank !== 1 || bias.shape[0] !== out))
    throw new ShapeError(
      'linear',
      `bias must be [${out}] for weight [${weight.shape.join(',')}], got [${bias.shape.join(',')}]`,
    );
  // a single row vector: a batch of one, then the added axis dropped (through differentiable reshapes)
  if (x.rank === 1) return reshape(linear(reshape(x, [1, inFeatures]), weight, bias, options), [out]);
  return record('linear', bias ? [x, weight, bias] : [x, weight], (xa, wa, ba) => {
    const y = matmulBiasActivation(xa!, wa!.transpose(), ba ?? null, activation);
    return {
      out: y,
      saved: activation === 'none' ? [xa!, wa!] : [xa!, wa!, y],
      backward: (g, [xs, ws, ys], needed) => {
        const dz = activation === 'none' ? g : activationGrad(activation, ys!, g);
        const rows = dz.reshape(-1, out);
        return [
          needed[0] ? dz.matmul(ws!) : null,
          needed[1] ? rows.transpose().matmul(xs!.reshape(-1, inFeatures)) : null,
          needed[2] ? rows.sum(0) : null,
        ];
      },
    };
  });
}
