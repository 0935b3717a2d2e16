/** Square float32 matrix products, 2·n³ flops each. */
import { matmul, randn } from '@mlblocks/core-tensor';
import { type Case, toTf } from './cases.js';

export function matmulCases(sizes: readonly number[] = [256, 512, 1024]): Case[] {
  return sizes.map((n) => ({
    group: 'matmul',
    name: 'a @ b (float32)',
    size: `${n}×${n} @ ${n}×${n}`,
    unit: 'GFLOP/s',
    work: 2 * n * n * n,
    setup(tf) {
      const a = randn([n, n]);
      const b = randn([n, n]);
      const ta = toTf(tf, a);
      const tb = toTf(tf, b);
      return {
        ours: () => matmul(a, b),
        tfjs: () => tf.matMul(ta, tb),
        dispose() {
          a.dispose();
          b.dispose();
          tf.dispose([ta, tb]);
        },
      };
    },
  }));
}
