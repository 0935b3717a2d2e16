import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';

/** The TensorFlow.js namespace (tfjs-core). */
export type Tfjs = typeof TF;

/** TF.js backends we compare against: `wasm` is XNNPACK SIMD (one thread in Node). */
export type TfjsBackendName = 'cpu' | 'wasm' | 'webgpu';

/**
 * Loads TensorFlow.js with one backend selected, or returns why it could not (the other peers
 * still run). All backends share one TF.js engine: whoever uses it calls `tf.setBackend` first.
 * `gpu` is the WebGPU entry point to hand tfjs-backend-webgpu (the same Dawn instance as ours).
 */
export async function loadTfjs(backend: TfjsBackendName, gpu: GPU | null = null): Promise<Tfjs | string> {
  try {
    // CommonJS throughout: the ESM build of tfjs-core cannot load its gradient registry in Node,
    // and mixing the two builds would give two engines
    const require = createRequire(import.meta.url);
    const tf = require('@tensorflow/tfjs-core') as Tfjs;
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
    tf.enableProdMode();
    if (backend === 'cpu') require('@tensorflow/tfjs-backend-cpu');
    if (backend === 'wasm') {
      const wasm = require('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(
        `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm'))}/`,
      );
    }
    if (backend === 'webgpu') {
      if (!gpu) return 'no WebGPU adapter';
      // tfjs-backend-webgpu looks for navigator.gpu
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
      require('@tensorflow/tfjs-backend-webgpu');
    }
    if (!(await tf.setBackend(backend))) return `tf.setBackend('${backend}') failed`;
    await tf.ready();
    return tf;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}
