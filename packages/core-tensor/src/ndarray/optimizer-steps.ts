import type { AdamStepOptions, SgdStepOptions } from '../backend/step-options.js';
import { DTypeError, ShapeError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { fusedKernel } from '../runtime/fusion.js';
import { NDArray } from './ndarray.js';

export type { AdamStepOptions, SgdStepOptions };

function check(op: string, param: NDArray, others: NDArray[]): void {
  if (param.dtype !== 'float32' && param.dtype !== 'float64')
    throw new DTypeError(op, `parameters must be float32 or float64, got ${param.dtype}`);
  for (const a of others) {
    if (a.dtype !== param.dtype)
      throw new DTypeError(op, `every operand must be ${param.dtype} like the parameter, got ${a.dtype}`);
    if (a.shape.length !== param.shape.length || a.shape.some((d, i) => d !== param.shape[i]))
      throw new ShapeError(
        op,
        `every operand must have the parameter's shape [${param.shape}], got [${a.shape}]`,
      );
  }
}

const wrap = (param: NDArray) => (s: Parameters<typeof NDArray.fromStorage>[0]) =>
  NDArray.fromStorage(s, param.shape, param.dtype);

/**
 * One Adam step on a parameter (AdamW's with `paramScale`), fused into one pass where the backend
 * has the kernel (WebGPU), else composed of element-wise ops — the reference, written below in
 * the order both compute it:
 *
 * ```text
 * p  = param · paramScale            g = grad + weightDecay · param
 * m′ = β₁·m + (1 − β₁)·g             v′ = β₂·v + (1 − β₂)·g²
 * param′ = p − stepSize · m′ / (√v′ / bias2Sqrt + eps)
 * ```
 *
 * Returns `[param′, m′, v′]` (new arrays; the optimizer assigns them).
 *
 * @example
 * const [p, m, v] = adamStep(w, g, m0, v0, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: lr / (1 - 0.9 ** t), bias2Sqrt: Math.sqrt(1 - 0.999 ** t), weightDecay: 0, paramScale: 1 });
 */
export function adamStep(
  param: NDArray,
  grad: NDArray,
  expAvg: NDArray,
  expAvgSq: NDArray,
  h: AdamStepOptions,
): [NDArray, NDArray, NDArray] {
  check('adamStep', param, [grad, expAvg, expAvgSq]);
  return tidy(() => {
    const kernel = fusedKernel(param.backend, 'adamUpdate');
    if (kernel) {
      const views = [param, grad, expAvg, expAvgSq].map((a) => a.contiguous().view('adamStep'));
      const out = kernel.call(param.backend, views[0]!, views[1]!, views[2]!, views[3]!, h);
      return out.map(wrap(param)) as [NDArray, NDArray, NDArray];
    }
    const p = h.paramScale !== 1 ? param.mul(h.paramScale) : param;
    const g = h.weightDecay !== 0 ? grad.add(param.mul(h.weightDecay)) : grad;
    const m = expAvg.mul(h.beta1).add(g.mul(1 - h.beta1));
    const v = expAvgSq.mul(h.beta2).add(g.square().mul(1 - h.beta2));
    const denom = v.sqrt().div(h.bias2Sqrt).add(h.eps);
    return [p.sub(m.div(denom).mul(h.stepSize)), m, v];
  });
}

/**
 * One SGD step on a parameter, fused where the backend has the kernel (WebGPU), else composed —
 * the reference:
 *
 * ```text
 * g = grad + weightDecay · param
 * buffer′ = momentum·buffer + (1 − dampening)·g   (the first step: g itself)
 * g = nesterov ? g + momentum·buffer′ : buffer′    (with momentum)
 * param′ = param − lr · g
 * ```
 *
 * Returns `[param′, buffer′]`, the buffer null without momentum. `buffer` is null on the first
 * step (and without momentum).
 *
 * @example
 * const [p] = sgdStep(w, g, null, { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false });
 */
export function sgdStep(
  param: NDArray,
  grad: NDArray,
  buffer: NDArray | null,
  h: SgdStepOptions,
): [NDArray, NDArray | null] {
  check('sgdStep', param, buffer ? [grad, buffer] : [grad]);
  return tidy(() => {
    const kernel = fusedKernel(param.backend, 'sgdUpdate');
    if (kernel) {
      const v = (a: NDArray) => a.contiguous().view('sgdStep');
      const [p, b] = kernel.call(param.backend, v(param), v(grad), buffer && v(buffer), h);
      return [wrap(param)(p), b && wrap(param)(b)] as [NDArray, NDArray | null];
    }
    let g = h.weightDecay !== 0 ? grad.add(param.mul(h.weightDecay)) : grad;
    let next: NDArray | null = null;
    if (h.momentum !== 0) {
      // NOTE: a copy, never the gradient's own storage (gradients may be cleared or clipped)
      next =
        buffer === null ? (g === grad ? g.clone() : g) : buffer.mul(h.momentum).add(g.mul(1 - h.dampening));
      g = h.nesterov ? g.add(next.mul(h.momentum)) : next;
    }
    return [param.sub(g.mul(h.lr)), next];
  });
}
