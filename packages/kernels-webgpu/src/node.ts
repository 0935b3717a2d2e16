/**
 * @mlblocks/kernels-webgpu/node — the WebGPU backend in Node through Dawn (the `webgpu` npm package).
 */
import { BackendError } from '@mlblocks/core-tensor';
import { type AutoSelectOptions, selectWebGPU } from './adapter.js';
import type { WebGPUBackend } from './backend.js';
import { createWebGPUBackend } from './create.js';

export { type AutoSelectOptions, isSoftwareAdapter } from './adapter.js';

let dawnInstance: GPU | undefined;

/**
 * Creates the WebGPU backend in Node with Dawn. Needs the optional peer dependency `webgpu`
 * and a Vulkan driver (a GPU's, or Mesa's lavapipe on machines without one).
 */
export async function createNodeWebGPUBackend(
  options: { name?: string; powerPreference?: GPUPowerPreference; notice?: (line: string) => void } = {},
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

/**
 * Registers the WebGPU backend (Dawn) under `'webgpu'` when a hardware adapter exists (any adapter
 * with `allowSoftware`) and returns `'webgpu'`; otherwise says why in one line (no adapter, no
 * `webgpu` package, a software adapter) and returns the `fallback` name (`'cpu'` unless given).
 *
 * @example
 * const name = await useWebGPUIfAvailable(); // 'webgpu' on a GPU, else 'cpu'
 */
export function useWebGPUIfAvailable(options: AutoSelectOptions = {}): Promise<string> {
  return selectWebGPU(() => createNodeWebGPUBackend(), options);
}
