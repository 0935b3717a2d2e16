import type { FusedKernel } from '@mlblocks/core-tensor';
import { crossEntropyKernels } from './kernels/cross-entropy.js';
import { EPILOGUE_KERNELS } from './kernels/matmul.js';
import { ADAM_KERNELS, SGD_KERNELS } from './kernels/optimizer.js';
import { GRU_KERNELS, LSTM_KERNELS } from './kernels/recurrent.js';

/** The fused kernels this backend has (core-tensor's list, less the softmax kernels it counts as primitives). */
export type FusedMethod = Exclude<FusedKernel, 'softmax' | 'logSoftmax'>;

/** A kernel's cache key and its WGSL source. */
export type KernelSource = readonly [string, () => string];

/** Fused methods and the WGSL kernels they dispatch: if one kernel fails, the methods go together. */
export interface FusedGroup {
  methods: readonly FusedMethod[];
  /** The kernels, as the engine will build them (with or without subgroup operations). */
  kernels: (subgroups: boolean) => readonly KernelSource[];
}

/** Every fused kernel of the backend, grouped by the methods that use it. */
export const FUSED_GROUPS: readonly FusedGroup[] = [
  { methods: ['matmulBiasActivation', 'activationGrad'], kernels: () => EPILOGUE_KERNELS },
  { methods: ['softmaxCrossEntropy', 'softmaxCrossEntropyGrad'], kernels: crossEntropyKernels },
  { methods: ['lstmCell', 'lstmCellGrad'], kernels: () => LSTM_KERNELS },
  { methods: ['gruCell', 'gruCellGrad'], kernels: () => GRU_KERNELS },
  { methods: ['adamUpdate'], kernels: () => ADAM_KERNELS },
  { methods: ['sgdUpdate'], kernels: () => SGD_KERNELS },
];

/** What compiling the fused kernels needs of the backend. */
interface Target {
  readonly adapterDescription: string;
  readonly engine: {
    readonly subgroups: boolean;
    precompile(key: string, code: () => string): Promise<string | null>;
  };
}

/**
 * Compiles every fused kernel ahead, waiting for the driver's verdict (WebGPU reports a compile
 * error only asynchronously, after the dispatch that used it). A group with a kernel that does not
 * compile on this adapter loses its methods on this backend instance — the NDArray layer then
 * composes those ops from primitives, the unfused path — and `notice` gets one line saying so.
 * Returns the methods turned off.
 */
export async function compileFusedKernels(
  backend: Target,
  notice: (line: string) => void,
  groups: readonly FusedGroup[] = FUSED_GROUPS,
): Promise<FusedMethod[]> {
  const off: FusedMethod[] = [];
  for (const group of groups) {
    for (const [key, code] of group.kernels(backend.engine.subgroups)) {
      const error = await backend.engine.precompile(key, code);
      if (error === null) continue;
      for (const m of group.methods)
        Object.defineProperty(backend, m, { value: undefined, configurable: true });
      off.push(...group.methods);
      notice(
        `WebGPU: the fused kernel '${key}' does not compile on ${backend.adapterDescription} (${error.split('\n')[0]}); ${group.methods.join(', ')} run unfused`,
      );
      break;
    }
  }
  return off;
}
