// Runs in the browser: the WebGPU backend on navigator.gpu computes a matmul (and a softmax of
// it), the CPU backend computes the same in the page, and the page publishes both.
import { Generator, randn, registerBackend } from '@mlblocks/core-tensor';
import { createWebGPUBackend } from '@mlblocks/kernels-webgpu';

declare global {
  interface Window {
    mlblocksResult?: { adapter: string; worst: number; size: number } | { error: string };
  }
}

async function run() {
  const backend = await createWebGPUBackend({ gpu: navigator.gpu });
  registerBackend('webgpu', backend);
  const gen = new Generator(1);
  const a = randn([67, 129], { generator: gen });
  const b = randn([129, 33], { generator: gen });
  const cpu = a.matmul(b).softmax().dataSync();
  const gpu = await a.to('webgpu').matmul(b.to('webgpu')).softmax().data();
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i]! - gpu[i]!));
  return { adapter: backend.adapterDescription, worst, size: gpu.length };
}

run().then(
  (result) => {
    window.mlblocksResult = result;
  },
  (error: Error) => {
    window.mlblocksResult = { error: `${error.name}: ${error.message}` };
  },
);
