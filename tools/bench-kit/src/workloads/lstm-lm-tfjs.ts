import type { Tfjs } from '../tfjs-peers.js';

/** The LSTM LM training step of rnn-lm's bench (one layer, no dropout), in any framework. */
export interface LstmLmSpec {
  vocab: number;
  embedding: number;
  hidden: number;
  seq: number;
  batch: number;
}

/**
 * One LSTM LM training step on TensorFlow.js written with tfjs-core's own pieces: `gather` for the
 * embedding, `basicLSTMCell` per time step, one decoder `matMul` over all steps, softmax
 * cross-entropy, `variableGrads`, the global-norm clip computed on the device, `sgd` applying
 * the gradients; the loss is read back (as every row of the bench does). The returned function
 * runs one step; `dispose` frees the variables.
 */
export function tfjsLstmLmStep(
  tf: Tfjs,
  spec: LstmLmSpec,
  { lr = 0.1, clip = 0.25 } = {},
): { step: () => Promise<number>; dispose: () => void } {
  const { vocab: V, embedding: E, hidden: H, seq: T, batch: B } = spec;
  const uniform = (shape: number[], r: number) => tf.variable(tf.randomUniform(shape, -r, r));
  const encoder = uniform([V, E], 0.1);
  const kernel = uniform([E + H, 4 * H], 1 / Math.sqrt(H)); // [x; h] → gates i, g, f, o
  const bias = tf.variable(tf.zeros([4 * H]));
  const decoder = uniform([H, V], 0.1);
  const decoderBias = tf.variable(tf.zeros([V]));
  const vars = [encoder, kernel, bias, decoder, decoderBias];
  const optimizer = tf.train.sgd(lr);
  const tokens = tf.randomUniform([T + 1, B], 0, V, 'int32');
  const input = tf.reshape(tf.slice(tokens, [0, 0], [T, B]), [T * B]);
  const target = tf.oneHot(tf.reshape(tf.slice(tokens, [1, 0], [T, B]), [T * B]), V);

  const loss = () => {
    const embedded = tf.reshape(tf.gather(encoder, input), [T, B, E]);
    let c = tf.zeros([B, H]) as ReturnType<Tfjs['zeros']>;
    let h = tf.zeros([B, H]) as ReturnType<Tfjs['zeros']>;
    const outputs = [];
    for (let t = 0; t < T; t++) {
      const x = tf.reshape(tf.slice(embedded, [t, 0, 0], [1, B, E]), [B, E]);
      [c, h] = tf.basicLSTMCell(1, kernel as never, bias as never, x as never, c as never, h as never);
      outputs.push(h);
    }
    const logits = tf.add(tf.matMul(tf.reshape(tf.stack(outputs), [T * B, H]), decoder), decoderBias);
    return tf.losses.softmaxCrossEntropy(target, logits) as ReturnType<Tfjs['scalar']>;
  };

  return {
    async step() {
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, vars);
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        const scale = tf.minimum(tf.div(clip, tf.add(norm, 1e-6)), 1);
        optimizer.applyGradients(
          Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)])),
        );
        return value;
      });
      const out = (await value.data())[0]!;
      value.dispose();
      return out;
    },
    dispose() {
      tf.dispose([...vars, tokens, input, target]);
      optimizer.dispose();
    },
  };
}
