/** Reductions over a [1000, 1000] float32 array. Rate: input elements/s. */
import { type NDArray, randn } from '@mlblocks/core-tensor';
import { type Case, toTf } from './cases.js';
import type { Tfjs, TfTensor } from './tfjs.js';

const ROWS = 1000;
const COLS = 1000;

type Pair = [name: string, ours: (x: NDArray) => NDArray, tfjs: (tf: Tfjs, x: TfTensor) => TfTensor];

const OPS: readonly Pair[] = [
  ['sum, all elements', (x) => x.sum(), (tf, x) => tf.sum(x)],
  ['sum, last axis (rows)', (x) => x.sum(1), (tf, x) => tf.sum(x, 1)],
  ['sum, axis 0 (columns)', (x) => x.sum(0), (tf, x) => tf.sum(x, 0)],
  ['softmax over rows', (x) => x.softmax(), (tf, x) => tf.softmax(x)],
];

export function reduceCases(): Case[] {
  return OPS.map(([name, ours, tfjs]) => ({
    group: 'reduce',
    name,
    size: `${ROWS}×${COLS}`,
    unit: 'Melem/s',
    work: ROWS * COLS,
    setup(tf) {
      const x = randn([ROWS, COLS]);
      const tx = toTf(tf, x);
      return {
        ours: () => ours(x),
        tfjs: () => tfjs(tf, tx),
        dispose: () => {
          x.dispose();
          tx.dispose();
        },
      };
    },
  }));
}
