import { Generator } from '@mlblocks/core-tensor';
import { type Case, describeInput, input } from './case.js';
import type { Layout } from './layouts.js';
import { typedArray } from './values.js';

// Matrix products (edge sizes, sizes past every block and tile of the fast kernels, batches with
// broadcast batch axes, transposed and strided operands) and the fused softmax / log-softmax.

const PRODUCT_SIZES: readonly [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [5, 7, 3],
  [4, 8, 8],
  [9, 5, 12], // vec4 rows of B, a block of 8 columns half past the edge
  [33, 65, 17],
  [64, 64, 64],
  [31, 100, 33],
  [70, 130, 65],
  [128, 784, 10],
  [67, 300, 530], // more than one K block (256) and N block (512) of the wasm sgemm
  [3, 0, 2],
  [0, 4, 5],
];

const OPERAND_LAYOUTS: readonly [Layout, Layout][] = [
  ['contiguous', 'contiguous'],
  ['transposed', 'transposed'],
  ['stepped', 'reversed'],
  ['offset', 'transposed'],
];

export function matmulCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of ['float32', 'float64', 'float16'] as const) {
    for (const [M, K, N] of PRODUCT_SIZES) {
      for (const [la, lb] of OPERAND_LAYOUTS) {
        if (dtype === 'float64' && la !== 'contiguous') continue;
        cases.push({
          family: 'matmul',
          name: `${describeInput(dtype, [M, K], la)} · ${describeInput(dtype, [K, N], lb)}`,
          inputs: [input(gen, dtype, [M, K], la, 'normal'), input(gen, dtype, [K, N], lb, 'normal')],
          run: (b, [x, y]) => b.matmul(x!, y!),
          tolerance: 'dot',
          nonFinite: false,
        });
      }
    }
    // batches: [2, 1, 3, 4] · [5, 4, 6] → [2, 5, 3, 6] (a broadcast batch axis on each side)
    const out = [2, 5];
    cases.push({
      family: 'matmul',
      name: `batched ${dtype}[2,1,3,4] · ${dtype}[5,4,6] with broadcast batch axes`,
      inputs: [
        input(gen, dtype, [2, 1, 3, 4], 'contiguous', 'normal', [...out, 3, 4]),
        input(gen, dtype, [5, 4, 6], 'transposed', 'normal', [...out, 4, 6]),
      ],
      run: (b, [x, y]) => b.matmul(x!, y!),
      tolerance: 'dot',
      nonFinite: false,
    });
    cases.push({
      family: 'matmul',
      name: `batched ${dtype}[5,17,9] · ${dtype}[5,9,21]`,
      inputs: [
        input(gen, dtype, [5, 17, 9], 'stepped', 'normal'),
        input(gen, dtype, [5, 9, 21], 'middle', 'normal'),
      ],
      run: (b, [x, y]) => b.matmul(x!, y!),
      tolerance: 'dot',
      nonFinite: false,
    });
  }
  return cases;
}

const ROW_SHAPES: readonly (readonly number[])[] = [[1], [65], [5, 130], [2, 3, 7], [0, 4]];

export function softmaxCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const family of ['softmax', 'logSoftmax'] as const) {
    for (const dtype of ['float32', 'float64', 'float16'] as const) {
      for (const shape of ROW_SHAPES) {
        for (const layout of ['contiguous', 'transposed', 'reversed'] as const) {
          if (layout === 'transposed' && shape.filter((d) => d > 1).length < 2) continue;
          cases.push({
            family,
            name: `${family} over the last axis of ${describeInput(dtype, shape, layout)}`,
            inputs: [input(gen, dtype, shape, layout)],
            run: (b, [x]) => b[family]!(x!),
            tolerance: 'accumulation',
            nonFinite: false,
          });
        }
      }
      // logits like 1e4 must not overflow exp: the row maximum comes out first
      cases.push({
        family,
        name: `${family} of ${dtype} logits ±1e4`,
        inputs: [
          {
            dtype,
            data: typedArray(dtype, [1e4, 1e4 - 1, -1e4]),
            shape: [1, 3],
            strides: [3, 1],
            offset: 0,
          },
        ],
        run: (b, [x]) => b[family]!(x!),
        tolerance: 'accumulation',
        nonFinite: false,
      });
      // |logits| ≳ 1e14: log-softmax is (x − max) − log Σ; x − (max + log Σ) loses the −log 3
      // (not float16, whose largest value is 65,504)
      if (dtype === 'float16') continue;
      const huge: [string, number[], number[]][] = [
        ['1e30 (three equal)', [1e30, 1e30, 1e30], [1, 3]],
        ['±1e30', [1e30, 1e30, -1e30, -1e30, -1e30, 1e30], [2, 3]],
        ...(dtype === 'float64'
          ? [['1e300', [1e300, 1e300, -1e300], [1, 3]] as [string, number[], number[]]]
          : []),
      ];
      for (const [label, data, shape] of huge) {
        cases.push({
          family,
          name: `${family} of ${dtype} logits ${label}`,
          inputs: [{ dtype, data: typedArray(dtype, data), shape, strides: [shape[1]!, 1], offset: 0 }],
          run: (b, [x]) => b[family]!(x!),
          tolerance: 'accumulation',
          nonFinite: false,
        });
      }
    }
  }
  return cases;
}

/** [rows, classes]: one row, odd sizes, a vocabulary-sized row. */
const CROSS_ENTROPY_SHAPES: readonly [number, number][] = [
  [1, 1],
  [1, 7],
  [5, 130],
  [3, 15000],
];

/** Fused softmax cross-entropy and its gradient, with logits of ±1e4 and 1e30 rows among normal ones. */
export function crossEntropyCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [N, C] of CROSS_ENTROPY_SHAPES) {
      for (const huge of [false, true]) {
        if (huge && C < 3) continue;
        const values = Array.from({ length: N * C }, () => gen.nextNormal() * 3);
        if (huge) values.fill(1e30, 0, 3).fill(1e4, C, C + 2); // a row of equal 1e30s, a row with two 1e4s
        const rounded = Array.from(typedArray(dtype, values));
        const labels = Array.from({ length: N }, () => gen.nextInt(0, C));
        const row = (n: number) => rounded.slice(n * C, (n + 1) * C);
        const max = Array.from({ length: N }, (_, n) => Math.max(...row(n)));
        const logSum = max.map((m, n) => Math.log(row(n).reduce((a, v) => a + Math.exp(v - m), 0)));
        const rowInput = (v: number[]) => ({
          dtype,
          data: typedArray(dtype, v),
          shape: [N],
          strides: [1],
          offset: 0,
        });
        const logits = { dtype, data: typedArray(dtype, values), shape: [N, C], strides: [C, 1], offset: 0 };
        const y = {
          dtype: 'int32' as const,
          data: Int32Array.from(labels),
          shape: [N],
          strides: [1],
          offset: 0,
        };
        const at = `${dtype}[${N},${C}]${huge ? ' with logits of 1e30 and 1e4' : ''}`;
        ['loss', 'max', 'logSum'].forEach((what, k) => {
          cases.push({
            family: 'softmaxCrossEntropy',
            name: `softmaxCrossEntropy ${what} of ${at}`,
            inputs: [logits, y],
            run: (b, [z, l]) => {
              const outs = b.softmaxCrossEntropy!(z!, l!);
              outs.forEach((s, i) => {
                if (i !== k) b.free(s);
              });
              return outs[k]!;
            },
            tolerance: 'accumulation',
            nonFinite: false,
          });
        });
        const scale = Array.from({ length: N }, () => gen.nextNormal());
        cases.push({
          family: 'softmaxCrossEntropyGrad',
          name: `softmaxCrossEntropyGrad of ${at}`,
          inputs: [logits, y, rowInput(max), rowInput(logSum), rowInput(scale)],
          run: (b, [z, l, m, s, c]) => b.softmaxCrossEntropyGrad!(z!, l!, m!, s!, c!),
          tolerance: 'accumulation',
          nonFinite: false,
        });
      }
    }
  }
  return cases;
}
