/**
 * @mlblocks/kernels-webgpu/node — the WebGPU backend in Node through Dawn (the `webgpu` npm package).
 */
export { isSoftwareAdapter } from './adapter.js';

import { BackendError, getBackend, registerBackend } from '@mlblocks/core-tensor';
import type { WebGPUBackend } from './backend.js';
import { createWebGPUBackend } from './create.js';

let dawnInstance: GPU | undefined;

/**
 * Creates the WebGPU backend in Node with Dawn. Needs the optional peer dependency `webgpu`
 * and a Vulkan driver (a GPU's, or Mesa's lavapipe on machines without one).
 */
export async function createNodeWebGPUBackend(
  options: { name?: string; powerPreference?: GPUPowerPreference } = {},
): Promise<WebGPUBackend> {
  let dawn: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (error) {
    throw new BackendError(
      'createNodeWebGPUBackend',
      `the 'webgpu' package (Dawn) is not installed: npm install webgpu (${(error as Error).message})`,
    );
  }
  // Dawn's enums (GPUBufferUsage, …) are globals the WebGPU API expects to exist
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  }
  // One Dawn instance per process, held for the process's lifetime: if it is garbage-collected
  // while (or after) devices from it exist, Dawn crashes inside its event processing.
  dawnInstance ??= dawn.create([]);
  return createWebGPUBackend({ ...options, gpu: dawnInstance });
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
 * Registers the WebGPU backend under `'webgpu'` when a hardware adapter exists (any adapter with
 * `allowSoftware`) and returns `'webgpu'`; otherwise says why in one line and returns the
 * `fallback` name (`'cpu'` unless given). This is the one place that decides whether WebGPU is
 * worth using; the lesson apps' `--backend auto` is built on it.
 */
export async function useWebGPUIfAvailable(options: AutoSelectOptions = {}): Promise<string> {
  const { allowSoftware = false, notice = console.warn, fallback = 'cpu' } = options;
  const fallbackLabel = fallback === 'cpu' ? 'the CPU backend' : `the ${fallback} backend`;
  let backend: WebGPUBackend;
  try {
    backend = await createNodeWebGPUBackend();
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
