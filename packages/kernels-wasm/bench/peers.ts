/**
 * TensorFlow.js as the peer in the same run: its `wasm` (XNNPACK SIMD) and `cpu` backends. Each
 * loads only if it can; the others still run.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';

export type Tfjs = typeof TF;

export async function loadTfjs(backend: 'cpu' | 'wasm'): Promise<Tfjs | string> {
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
    if (!(await tf.setBackend(backend))) return `tf.setBackend('${backend}') failed`;
    await tf.ready();
    return tf;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}
