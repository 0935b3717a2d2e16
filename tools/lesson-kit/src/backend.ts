import {
  getBackend,
  listBackends,
  registerBackend,
  removeBackend,
  setDefaultBackend,
} from '@mlblocks/core-tensor';
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

/** What `--backend` accepts. */
export type BackendChoice = 'cpu' | 'wasm' | 'webgpu' | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'wasm', 'webgpu', 'auto'];
/** The `--backend` help text. */
export const BACKEND_HELP = 'cpu, wasm, webgpu, or auto (WebGPU on a hardware adapter, else wasm, else cpu)';

/** The backend a run uses: its registry name, a one-line description, and how to let it go. */
export interface SelectedBackend {
  name: 'cpu' | 'wasm' | 'webgpu';
  description: string;
  /** Frees the backend's device or workers (no-op on the CPU) and restores the CPU default. */
  release(): void;
}

// Software adapters run WGSL on the CPU cores: slower than the wasm backend on the same cores.
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software/i;

/**
 * Registers and selects the backend asked for on the command line, and makes it the default for
 * new arrays:
 * - `cpu`: core-tensor's reference backend (plain JavaScript, one thread);
 * - `wasm`: WebAssembly SIMD kernels with a 2-thread matmul (`@mlblocks/kernels-wasm`);
 * - `webgpu`: WGSL kernels through Dawn (`@mlblocks/kernels-webgpu/node`); fails with the reason
 *   when no adapter exists;
 * - `auto`: WebGPU on a hardware adapter, else wasm, else the CPU (a software WebGPU adapter such
 *   as Mesa's lavapipe runs on the same CPU cores and is passed over).
 */
export async function selectBackend(
  choice: BackendChoice,
  notice: (line: string) => void = () => {},
): Promise<SelectedBackend> {
  if (choice === 'cpu') return useCpu();
  if (choice === 'wasm') return useWasm();
  if (choice === 'webgpu') return useWebGPU(await createWebGPU());
  let gpu: WebGPUBackend | null = null;
  try {
    gpu = await createWebGPU();
  } catch (error) {
    notice(`auto: no WebGPU (${(error as Error).message.split('\n')[0]})`);
  }
  if (gpu && !SOFTWARE_ADAPTER.test(gpu.adapterDescription)) return useWebGPU(gpu);
  if (gpu) {
    notice(`auto: the WebGPU adapter is a software one (${gpu.adapterDescription}); passing it over`);
    removeIfRegistered('webgpu'); // frees the device
  }
  try {
    return await useWasm();
  } catch (error) {
    notice(
      `auto: no WebAssembly backend (${(error as Error).message.split('\n')[0]}); using the CPU backend`,
    );
    return useCpu();
  }
}

async function createWebGPU(): Promise<WebGPUBackend> {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const gpu = await createNodeWebGPUBackend();
  registerBackend('webgpu', gpu);
  return gpu;
}

function useWebGPU(gpu: WebGPUBackend): SelectedBackend {
  setDefaultBackend('webgpu');
  return {
    name: 'webgpu',
    description: `WebGPU (${gpu.adapterDescription})`,
    release: () => removeIfRegistered('webgpu'),
  };
}

async function useWasm(): Promise<SelectedBackend> {
  const { createWasmBackend } = await import('@mlblocks/kernels-wasm');
  const wasm = await createWasmBackend({ threads: 2 });
  registerBackend('wasm', wasm);
  setDefaultBackend('wasm');
  const { threads, relaxedSimd } = wasm.info;
  return {
    name: 'wasm',
    description: `WebAssembly SIMD (${threads} threads${relaxedSimd ? ', relaxed SIMD' : ''})`,
    release: () => removeIfRegistered('wasm'),
  };
}

function useCpu(): SelectedBackend {
  getBackend('cpu');
  setDefaultBackend('cpu');
  return { name: 'cpu', description: 'CPU (reference backend, one thread)', release() {} };
}

function removeIfRegistered(name: string): void {
  setDefaultBackend('cpu');
  if (listBackends().includes(name)) removeBackend(name);
}
