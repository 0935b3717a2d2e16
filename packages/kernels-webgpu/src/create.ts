import { BackendError } from '@mlblocks/core-tensor';
import { WebGPUBackend } from './backend.js';
import { subgroupsAreRowsOf8 } from './engine/subgroup-probe.js';
import { adapterKind, MATMUL_SHUFFLE } from './engine/tuning.js';
import { compileFusedKernels } from './fused-kernels.js';

/** Options of `createWebGPUBackend`. */
export interface WebGPUBackendOptions {
  /** The WebGPU entry point: `navigator.gpu` in a browser, Dawn's `create()` result in Node. */
  gpu: GPU;
  /** Registry name (default `'webgpu'`). */
  name?: string;
  powerPreference?: GPUPowerPreference;
  /**
   * Where the one-line notice goes when a fused kernel does not compile on the adapter and its
   * ops fall back to the unfused composition (default `console.warn`).
   */
  notice?: (line: string) => void;
}

/**
 * Creates the WebGPU backend on the first adapter `gpu` offers. The GPU object is passed in, never
 * read from a global, so the same code serves browsers and Node. Throws a `BackendError` when
 * there is no adapter or the device cannot be created. The fused kernels (cross-entropy,
 * recurrent cells, optimizer steps) are compiled here; one that fails on the adapter falls back to
 * the unfused composition with a one-line `notice`.
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
    // timestamps for engine.startProfile(), subgroup operations for row sums, f16 for the
    // float16 dtype: each where the adapter offers it
    const wanted = ['timestamp-query', 'subgroups', 'shader-f16'] as GPUFeatureName[];
    const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
    device = await adapter.requestDevice({ requiredFeatures });
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
  const backend = new WebGPUBackend(name, device, description, gpu);
  // the matmul's row broadcasts, where this adapter's table asks for them and the device's
  // subgroups have the layout they assume
  const shuffle = MATMUL_SHUFFLE[adapterKind(description)];
  if (shuffle > 0 && backend.engine.subgroups && (await subgroupsAreRowsOf8(backend.engine)))
    backend.engine.matmulShuffle = shuffle;
  // the fused kernels compile now, where a failure can still switch their ops to the composition
  await compileFusedKernels(backend, options.notice ?? ((line) => console.warn(line)));
  return backend;
}
