import {
  getBackend,
  listBackends,
  registerBackend,
  removeBackend,
  setDefaultBackend,
} from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

/** What `--backend` accepts. */
export type BackendChoice = 'cpu' | 'webgpu' | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'webgpu', 'auto'];

/** The backend a run uses: its registry name, a one-line description, and how to let it go. */
export interface SelectedBackend {
  name: 'cpu' | 'webgpu';
  description: string;
  /** Frees the GPU device (no-op on the CPU) and restores the CPU default. */
  release(): void;
}

// Software adapters run WGSL on the CPU cores; the CPU backend is usually the better choice there.
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software/i;

/**
 * Registers and selects the backend asked for on the command line, and makes it the default for
 * new arrays:
 * - `cpu`: the reference backend of core-tensor;
 * - `webgpu`: WGSL kernels through Dawn (`@mlblocks/kernels-webgpu/node`); fails with the reason
 *   when no adapter exists;
 * - `auto`: WebGPU on a hardware adapter, else the CPU (a software adapter such as Mesa's lavapipe
 *   is reported and passed over).
 */
export async function selectBackend(
  choice: BackendChoice,
  notice: (line: string) => void = () => {},
): Promise<SelectedBackend> {
  if (choice === 'cpu') return useCpu('CPU (reference backend, single thread)');
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  let gpu: Awaited<ReturnType<typeof createNodeWebGPUBackend>>;
  try {
    gpu = await createNodeWebGPUBackend();
  } catch (error) {
    if (choice === 'webgpu') throw error;
    notice(`auto: WebGPU unavailable (${(error as Error).message}); using the CPU backend`);
    return useCpu('CPU (reference backend, single thread)');
  }
  // NOTE: the device stays registered until release() even when unused: destroying a Dawn device
  // early and carrying on crashed the process seconds later (std::system_error in a Dawn thread).
  registerBackend('webgpu', gpu);
  const release = () => {
    setDefaultBackend('cpu');
    if (listBackends().includes('webgpu')) removeBackend('webgpu');
  };
  if (choice === 'auto' && SOFTWARE_ADAPTER.test(gpu.adapterDescription)) {
    notice(`auto: the WebGPU adapter is a software one (${gpu.adapterDescription}); using the CPU backend`);
    return { ...useCpu('CPU (reference backend, single thread)'), release };
  }
  setDefaultBackend('webgpu');
  return { name: 'webgpu', description: `WebGPU (${gpu.adapterDescription})`, release };
}

function useCpu(description: string): SelectedBackend {
  getBackend('cpu');
  setDefaultBackend('cpu');
  return { name: 'cpu', description, release() {} };
}
