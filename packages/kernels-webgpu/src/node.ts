/**
 * @mlblocks/kernels-webgpu/node — the WebGPU backend in Node through Dawn (the `webgpu` npm package).
 */
import { BackendError, getBackend, registerBackend } from '@mlblocks/core-tensor';
import type { WebGPUBackend } from './backend.js';
import { createWebGPUBackend } from './create.js';

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
  const gpu = dawn.create([]);
  // keep `gpu` referenced as long as the device: if Dawn's object is collected, the process crashes
  return createWebGPUBackend({ ...options, gpu });
}

/**
 * Registers the best backend available under `'webgpu'` when an adapter exists; otherwise keeps
 * the CPU default and reports why in one line (through `notice`, default console.warn).
 * Returns the name of the backend to use.
 */
export async function useWebGPUIfAvailable(notice: (line: string) => void = console.warn): Promise<string> {
  try {
    registerBackend('webgpu', await createNodeWebGPUBackend());
    return 'webgpu';
  } catch (error) {
    notice(`mlblocks: WebGPU unavailable, using the CPU backend (${(error as Error).message})`);
    getBackend('cpu');
    return 'cpu';
  }
}
