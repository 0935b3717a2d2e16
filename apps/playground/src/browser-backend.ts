import { registerBackend, setDefaultBackend } from '@mlblocks/core-tensor';
import { createWebGPUBackend } from '@mlblocks/kernels-webgpu';

/**
 * WebGPU when the browser has it (unless the page is opened with `?backend=cpu`), else the CPU
 * backend; returns the backend's name and a label for the page.
 */
export async function browserBackend(): Promise<{ name: string; label: string }> {
  const wanted = new URLSearchParams(location.search).get('backend');
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (wanted !== 'cpu' && gpu) {
    try {
      const backend = await createWebGPUBackend({ gpu });
      registerBackend('webgpu', backend);
      setDefaultBackend('webgpu');
      return { name: 'webgpu', label: `WebGPU — ${backend.adapterDescription}` };
    } catch (error) {
      return { name: 'cpu', label: `CPU (WebGPU failed: ${(error as Error).message})` };
    }
  }
  return { name: 'cpu', label: wanted === 'cpu' ? 'CPU (asked for)' : 'CPU (this browser has no WebGPU)' };
}
