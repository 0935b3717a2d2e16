// Runs in the browser: the WebGPU backend on navigator.gpu computes a matmul (and a softmax of
// it) and a padded convolution followed by max pooling (the window kernels), the CPU backend
// computes the same in the page, and the page publishes how far apart they are.
import { conv2d, Generator, maxPool2d, randn, registerBackend } from '@mlblocks/core-tensor';
import { createWebGPUBackend } from '@mlblocks/kernels-webgpu';

declare global {
  interface Window {
    mlblocksResult?:
      | { adapter: string; worst: number; size: number; convWorst: number; convSize: number }
      | { error: string };
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
  // relative to 1 + |cpu|, like the conformance suite's tolerances
  const x = randn([2, 3, 9, 9], { generator: gen });
  const w = randn([4, 3, 3, 3], { generator: gen });
  const pooled = (on: string) => maxPool2d(conv2d(x.to(on), w.to(on), { padding: 1 }), 2).values;
  const convCpu = pooled('cpu').dataSync();
  const convGpu = await pooled('webgpu').data();
  let convWorst = 0;
  for (let i = 0; i < convCpu.length; i++)
    convWorst = Math.max(convWorst, Math.abs(convCpu[i]! - convGpu[i]!) / (1 + Math.abs(convCpu[i]!)));
  return {
    adapter: backend.adapterDescription,
    worst,
    size: gpu.length,
    convWorst,
    convSize: convGpu.length,
  };
}

run().then(
  (result) => {
    window.mlblocksResult = result;
  },
  (error: Error) => {
    window.mlblocksResult = { error: `${error.name}: ${error.message}` };
  },
);
