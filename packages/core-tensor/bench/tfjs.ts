/**
 * The reference: TensorFlow.js with its plain-JavaScript `cpu` backend (single-threaded, like ours).
 * Production mode skips debug-only validation, which is what a real deployment would run.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

export async function loadTfjsCpu(): Promise<typeof tf> {
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error("TensorFlow.js could not select its 'cpu' backend");
  await tf.ready();
  return tf;
}

export type Tfjs = typeof tf;
export type TfTensor = tf.Tensor;
