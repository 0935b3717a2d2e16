import { BackendError } from '@mlblocks/core-tensor';
import { WebGPUBackend } from './backend.js';

/** Options of `createWebGPUBackend`. */
export interface WebGPUBackendOptions {
  /** The WebGPU entry point: `navigator.gpu` in a browser, Dawn's `create()` result in Node. */
  gpu: GPU;
  /** Registry name (default `'webgpu'`). */
  name?: string;
  powerPreference?: GPUPowerPreference;
}

/**
 * Creates the WebGPU backend on the first adapter `gpu` offers. The GPU object is passed in, never
 * read from a global, so the same code serves browsers and Node. Throws a `BackendError` when
 * there is no adapter or the device cannot be created.
 *
 * @example
 * import { registerBackend } from '@mlblocks/core-tensor';
 * registerBackend('webgpu', await createWebGPUBackend({ gpu: navigator.gpu }));
 */
export async function createWebGPUBackend(options: WebGPUBackendOptions): Promise<WebGPUBackend> {
  const { gpu, name = 'webgpu', powerPreference } = options;
  if (!gpu)
    throw new BackendError(
      'createWebGPUBackend',
      'no WebGPU entry point was given (pass navigator.gpu, or use createNodeWebGPUBackend in Node)',
    );
  const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
  if (!adapter) {
    throw new BackendError(
      'createWebGPUBackend',
      'no WebGPU adapter is available (no GPU, or no Vulkan/Metal/D3D driver; on Linux without a GPU install Mesa lavapipe)',
    );
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice();
  } catch (error) {
    throw new BackendError(
      'createWebGPUBackend',
      `the adapter refused to create a device: ${(error as Error).message}`,
    );
  }
  const info = adapter.info;
  const description =
    [info?.description || info?.device, info?.vendor && `(${info.vendor})`, info?.architecture]
      .filter(Boolean)
      .join(' ') || 'unknown adapter';
  return new WebGPUBackend(name, device, description, gpu);
}
