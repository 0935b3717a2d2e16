import {
  getBackend,
  listBackends,
  registerBackend,
  removeBackend,
  setDefaultBackend,
} from '@mlblocks/core-tensor';
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { createNodeWebGPUBackend, useWebGPUIfAvailable } from '@mlblocks/kernels-webgpu/node';

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

/**
 * Registers and selects the backend asked for on the command line, and makes it the default for
 * new arrays:
 * - `cpu`: core-tensor's reference backend (plain JavaScript, one thread);
 * - `wasm`: WebAssembly SIMD kernels with a 2-thread matmul (`@mlblocks/kernels-wasm`);
 * - `webgpu`: WGSL kernels through Dawn (`@mlblocks/kernels-webgpu/node`) on any adapter, a
 *   software one included (it was asked for); fails with the reason when no adapter exists;
 * - `auto`: kernels-webgpu's `useWebGPUIfAvailable` decides whether WebGPU is worth it (a hardware
 *   adapter; a software one such as Mesa's lavapipe runs on the same CPU cores and is passed over,
 *   with a one-line notice); else wasm, else the CPU.
 */
export async function selectBackend(
  choice: BackendChoice,
  notice: (line: string) => void = () => {},
): Promise<SelectedBackend> {
  if (choice === 'cpu') return useCpu();
  if (choice === 'wasm') return useWasm();
  process.env.XDG_RUNTIME_DIR ??= '/tmp'; // Dawn wants it; unset in containers and CI
  if (choice === 'webgpu') {
    registerBackend('webgpu', await createNodeWebGPUBackend());
    return useWebGPU();
  }
  if ((await useWebGPUIfAvailable({ fallback: 'wasm', notice })) === 'webgpu') return useWebGPU();
  try {
    return await useWasm();
  } catch (error) {
    notice(
      `auto: no WebAssembly backend (${(error as Error).message.split('\n')[0]}); using the CPU backend`,
    );
    return useCpu();
  }
}

/** Makes the registered WebGPU backend the default. */
function useWebGPU(): SelectedBackend {
  const gpu = getBackend('webgpu') as WebGPUBackend;
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
