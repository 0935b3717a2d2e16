/** Element-wise ops at a cache-resident size (1e5) and a memory-bound one (1e6). Rate: output elements/s. */
import { randn } from '@mlblocks/core-tensor';
import { type Case, toTf } from './cases.js';

const SHAPES: readonly [number, number][] = [
  [100, 1000], // 1e5 elements
  [1000, 1000], // 1e6 elements
];

export function elementwiseCases(): Case[] {
  const cases: Case[] = [];
  for (const [rows, cols] of SHAPES) {
    const size = `${rows}×${cols}`;
    const work = rows * cols;
    cases.push(
      {
        group: 'elementwise',
        name: 'add, same shape',
        size: `${size} + ${size}`,
        unit: 'Melem/s',
        work,
        setup(tf) {
          const a = randn([rows, cols]);
          const b = randn([rows, cols]);
          const ta = toTf(tf, a);
          const tb = toTf(tf, b);
          return {
            ours: () => a.add(b),
            tfjs: () => tf.add(ta, tb),
            dispose: () => {
              a.dispose();
              b.dispose();
              tf.dispose([ta, tb]);
            },
          };
        },
      },
      {
        group: 'elementwise',
        name: 'add, broadcast row',
        size: `${size} + ${cols}`,
        unit: 'Melem/s',
        work,
        setup(tf) {
          const a = randn([rows, cols]);
          const row = randn([cols]);
          const ta = toTf(tf, a);
          const trow = toTf(tf, row);
          return {
            ours: () => a.add(row),
            tfjs: () => tf.add(ta, trow),
            dispose: () => {
              a.dispose();
              row.dispose();
              tf.dispose([ta, trow]);
            },
          };
        },
      },
      {
        group: 'elementwise',
        name: 'relu',
        size,
        unit: 'Melem/s',
        work,
        setup(tf) {
          const a = randn([rows, cols]);
          const ta = toTf(tf, a);
          return {
            ours: () => a.relu(),
            tfjs: () => tf.relu(ta),
            dispose: () => {
              a.dispose();
              ta.dispose();
            },
          };
        },
      },
      {
        group: 'elementwise',
        name: 'exp',
        size,
        unit: 'Melem/s',
        work,
        setup(tf) {
          const a = randn([rows, cols]);
          const ta = toTf(tf, a);
          return {
            ours: () => a.exp(),
            tfjs: () => tf.exp(ta),
            dispose: () => {
              a.dispose();
              ta.dispose();
            },
          };
        },
      },
    );
  }
  return cases;
}
