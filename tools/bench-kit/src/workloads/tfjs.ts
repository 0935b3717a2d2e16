import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Tfjs, TfjsBackendName } from '../tfjs-peers.js';
import { matmulGflops, timeStep } from '../timing.js';
import { CNN, MLP, type Runner, SLOW_MATMUL_MAX } from './spec.js';

type TFTensor = ReturnType<Tfjs['matMul']>;

/**
 * The workloads on TensorFlow.js with one backend, written the idiomatic TF.js way (NHWC images,
 * `optimizer.minimize`). Each call selects the backend first: TF.js has one global engine.
 */
export function tfjsRunner(tf: Tfjs, backend: TfjsBackendName, name = `tfjs ${backend}`): Runner {
  const use = () => tf.setBackend(backend);

  /** Seconds per `optimizer.minimize(loss)` call, the loss read back each time. */
  function timeTraining(loss: () => TFTensor, lr: number): Promise<number> {
    const optimizer = tf.train.sgd(lr);
    return timeStep(async () => {
      const value = optimizer.minimize(loss as () => ReturnType<Tfjs['scalar']>, true);
      await value!.data();
      value!.dispose();
    });
  }

  return {
    name,
    async matmul(n) {
      await use();
      if (backend === 'cpu' && n > SLOW_MATMUL_MAX) return null;
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      const gflops = await matmulGflops(n, () => tf.matMul(a, b));
      tf.dispose([a, b]);
      return gflops;
    },

    async mlp() {
      await use();
      const x = tf.randomNormal([MLP.batch, MLP.inputs]);
      const y = tf.oneHot(tf.randomUniform([MLP.batch], 0, MLP.classes, 'int32'), MLP.classes);
      const w1 = tf.variable(tf.randomNormal([MLP.inputs, MLP.hidden], 0, 0.05));
      const b1 = tf.variable(tf.zeros([MLP.hidden]));
      const w2 = tf.variable(tf.randomNormal([MLP.hidden, MLP.classes], 0, 0.05));
      const b2 = tf.variable(tf.zeros([MLP.classes]));
      const seconds = await timeTraining(
        () =>
          // tf.fused.matMul: bias and activation in the product's kernel, as tf.layers.dense runs them
          tf.losses.softmaxCrossEntropy(
            y,
            tf.fused.matMul({
              a: tf.fused.matMul({ a: x, b: w1, bias: b1, activation: 'relu' }),
              b: w2,
              bias: b2,
            }),
          ),
        MLP.lr,
      );
      tf.dispose([x, y, w1, b1, w2, b2]);
      return MLP.batch / seconds;
    },

    async cnn() {
      await use();
      const [c0, c1, c2] = CNN.channels;
      const x = tf.randomNormal([CNN.batch, CNN.size, CNN.size, c0]) as Tensor4D;
      const y = tf.oneHot(tf.randomUniform([CNN.batch], 0, CNN.classes, 'int32'), CNN.classes);
      const k1 = tf.variable(tf.randomNormal([CNN.kernel, CNN.kernel, c0, c1], 0, 0.3) as Tensor4D);
      const b1 = tf.variable(tf.zeros([c1]));
      const k2 = tf.variable(tf.randomNormal([CNN.kernel, CNN.kernel, c1, c2], 0, 0.05) as Tensor4D);
      const b2 = tf.variable(tf.zeros([c2]));
      const w = tf.variable(tf.randomNormal([CNN.flat, CNN.classes], 0, 0.01));
      const b3 = tf.variable(tf.zeros([CNN.classes]));
      try {
        const seconds = await timeTraining(() => {
          const h1 = tf.relu(tf.add(tf.conv2d(x, k1 as Tensor4D, 1, 'valid'), b1)) as Tensor4D;
          const h2 = tf.relu(tf.add(tf.conv2d(h1, k2 as Tensor4D, 1, 'valid'), b2)) as Tensor4D;
          const pooled = tf.maxPool(h2, CNN.pool, CNN.pool, 'valid');
          const logits = tf.add(tf.matMul(tf.reshape(pooled, [CNN.batch, CNN.flat]), w), b3);
          return tf.losses.softmaxCrossEntropy(y, logits);
        }, CNN.lr);
        return CNN.batch / seconds;
      } finally {
        tf.dispose([x, y, k1, b1, k2, b2, w, b3]);
      }
    },
  };
}
