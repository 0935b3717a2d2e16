import { getBackend, setDefaultBackend } from '@mlblocks/core-tensor';
import { useWebGPUIfAvailable, type WebGPUBackend } from '@mlblocks/kernels-webgpu';

/**
 * The lesson pages' backend (browser-safe: no Node import): WebGPU when the browser has it
 * (unless the page is opened with `?backend=cpu`), else the CPU backend; returns the backend's
 * name and a label for the page. A software adapter (SwiftShader) is used too: the pages' networks
 * are small, and a page has no other accelerated backend.
 */
export async function browserBackend(): Promise<{ name: string; label: string }> {
  if (new URLSearchParams(location.search).get('backend') === 'cpu')
    return { name: 'cpu', label: 'CPU (asked for)' };
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  let reason = '';
  const name = await useWebGPUIfAvailable({ gpu, allowSoftware: true, notice: (line) => (reason = line) });
  if (name === 'webgpu') {
    setDefaultBackend('webgpu');
    return { name, label: `WebGPU — ${(getBackend('webgpu') as WebGPUBackend).adapterDescription}` };
  }
  return {
    name: 'cpu',
    label: gpu ? `CPU (${reason.replace(/^mlblocks: /, '')})` : 'CPU (this browser has no WebGPU)',
  };
}
