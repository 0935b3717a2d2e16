import type { Backend } from '../backend/backend.js';
import { runtime } from './runtime.js';

/** A backend's optional fused kernels: softmax, matmul epilogue, cross-entropy, recurrent cells, optimizer steps. */
export type FusedKernel =
  | 'softmax'
  | 'logSoftmax'
  | 'matmulBiasActivation'
  | 'activationGrad'
  | 'softmaxCrossEntropy'
  | 'softmaxCrossEntropyGrad'
  | 'lstmCell'
  | 'lstmCellGrad'
  | 'gruCell'
  | 'gruCellGrad'
  | 'adamUpdate'
  | 'sgdUpdate';

/**
 * Turns the backends' fused kernels on (the default) or off for the whole process. Off, every
 * fused op runs as its composition of primitives — the readable reference, the same values within
 * the conformance tolerances — which is how the parity suites check both paths, and a way to tell
 * whether a wrong result comes from a fused kernel. Returns the previous setting.
 *
 * @example
 * const was = setFusion(false);
 * try { compareAgainstReference(); } finally { setFusion(was); }
 */
export function setFusion(enabled: boolean): boolean {
  const was = fusionEnabled();
  runtime.fusion = enabled;
  return was;
}

/** True unless `setFusion(false)` turned the fused kernels off. */
export function fusionEnabled(): boolean {
  return runtime.fusion !== false;
}

/** @internal `backend`'s fused kernel `name`, or undefined when it has none or fusion is off. */
export function fusedKernel<K extends FusedKernel>(backend: Backend, name: K): Backend[K] | undefined {
  return fusionEnabled() ? backend[name] : undefined;
}
