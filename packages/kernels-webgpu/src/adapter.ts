import { getBackend, registerBackend } from '@mlblocks/core-tensor';
import type { WebGPUBackend } from './backend.js';
import { createWebGPUBackend } from './create.js';

/**
 * True for software adapters (Mesa's lavapipe, SwiftShader) that run WGSL on the CPU cores:
 * correct, but usually slower than a CPU backend on the same cores, so auto-selection passes them over.
 */
export function isSoftwareAdapter(description: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test(description);
}

/** Options of `useWebGPUIfAvailable`. */
export interface AutoSelectOptions {
  /** Accept a software adapter (lavapipe, SwiftShader) too. Default false: the CPU is faster there. */
  allowSoftware?: boolean;
  /** Where the one-line notice goes when WebGPU is passed over (default console.warn). */
  notice?: (line: string) => void;
  /**
   * The backend the caller uses when WebGPU is passed over (default `'cpu'`): named in the notice
   * and returned. The caller registers it (e.g. the wasm backend) if it is not the CPU.
   */
  fallback?: string;
}

/**
 * Registers the WebGPU backend under `'webgpu'` when `gpu` offers a hardware adapter (any adapter
 * with `allowSoftware`) and returns `'webgpu'`; otherwise says why in one line and returns the
 * `fallback` name (`'cpu'` unless given). In Node, the same function from
 * `@mlblocks/kernels-webgpu/node` uses Dawn.
 *
 * @example
 * const name = await useWebGPUIfAvailable({ gpu: navigator.gpu }); // 'webgpu' or 'cpu'
 */
export function useWebGPUIfAvailable(options: AutoSelectOptions & { gpu: GPU | undefined }): Promise<string> {
  return selectWebGPU(() => createWebGPUBackend({ gpu: options.gpu as GPU }), options);
}

/**
 * The one place that decides whether WebGPU is worth using (the lesson apps' `--backend auto` and
 * the browser playground go through it): creates the backend with `create`, keeps it on a hardware
 * adapter, else names the reason and the fallback.
 */
export async function selectWebGPU(
  create: () => Promise<WebGPUBackend>,
  options: AutoSelectOptions,
): Promise<string> {
  const { allowSoftware = false, notice = console.warn, fallback = 'cpu' } = options;
  const fallbackLabel = fallback === 'cpu' ? 'the CPU backend' : `the ${fallback} backend`;
  let backend: WebGPUBackend;
  try {
    backend = await create();
  } catch (error) {
    notice(`mlblocks: WebGPU unavailable, using ${fallbackLabel} (${(error as Error).message})`);
    if (fallback === 'cpu') getBackend('cpu');
    return fallback;
  }
  if (backend.isSoftwareAdapter && !allowSoftware) {
    notice(
      `mlblocks: the only WebGPU adapter is a software one (${backend.adapterDescription}); using ${fallbackLabel}`,
    );
    backend.dispose();
    return fallback;
  }
  registerBackend('webgpu', backend);
  return 'webgpu';
}
