import { FUSED_ACTIVATIONS, Generator } from '@mlblocks/core-tensor';
import { type Case, describeInput, input } from './case.js';
import type { Layout } from './layouts.js';

// The fused matmul epilogue (bias, then activation) on sizes past the fast kernels' blocks, with
// transposed / strided operands, a strided or absent bias and broadcast batch axes — every layout
// for relu, two for the other activations (each one more kernel to compile, and the product part
// is the same); and the activation gradient on odd sizes and views.

const SIZES: readonly [number, number, number][] = [
  [1, 1, 1],
  [5, 7, 3],
  [33, 65, 17],
  [128, 784, 10],
  [3, 0, 2],
];

const LAYOUTS: readonly [Layout, Layout, Layout | null][] = [
  ['contiguous', 'contiguous', 'contiguous'],
  ['contiguous', 'transposed', 'stepped'],
  ['stepped', 'reversed', null],
  ['transposed', 'contiguous', 'offset'],
];

export function epilogueCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of ['float32', 'float64', 'float16'] as const) {
    for (const activation of FUSED_ACTIVATIONS) {
      for (const [M, K, N] of SIZES) {
        for (const [la, lb, lbias] of activation === 'relu' ? LAYOUTS : LAYOUTS.slice(1, 3)) {
          if (dtype !== 'float32' && la !== 'contiguous') continue;
          if (activation !== 'relu' && M !== 33) continue;
          const bias = lbias ? [input(gen, dtype, [N], lbias, 'normal')] : [];
          cases.push({
            family: 'matmulBiasActivation',
            name: `${activation}(${describeInput(dtype, [M, K], la)} · ${describeInput(dtype, [K, N], lb)} + ${lbias ? describeInput(dtype, [N], lbias) : 'no bias'})`,
            inputs: [
              input(gen, dtype, [M, K], la, 'normal'),
              input(gen, dtype, [K, N], lb, 'normal'),
              ...bias,
            ],
            run: (b, [x, y, c]) => b.matmulBiasActivation!(x!, y!, c ?? null, activation),
            tolerance: 'dot',
            nonFinite: false,
          });
        }
      }
      // a batch of products against one broadcast matrix: [2, 3, 5, 4] · [4, 6] → [2, 3, 5, 6]
      cases.push({
        family: 'matmulBiasActivation',
        name: `${activation}(batched ${dtype}[2,3,5,4] · broadcast ${dtype}[4,6] + bias)`,
        inputs: [
          input(gen, dtype, [2, 3, 5, 4], 'contiguous', 'normal'),
          input(gen, dtype, [4, 6], 'transposed', 'normal', [2, 3, 4, 6]),
          input(gen, dtype, [6], 'contiguous', 'normal'),
        ],
        run: (b, [x, y, c]) => b.matmulBiasActivation!(x!, y!, c!, activation),
        tolerance: 'dot',
        nonFinite: false,
      });
      for (const shape of [[1], [7], [33, 65], [2, 3, 5]]) {
        for (const layout of ['contiguous', 'transposed', 'reversed'] as const) {
          if (layout === 'transposed' && shape.length < 2) continue;
          // relu's gradient at y = 0 and y > 0 both occur: outputs of a relu hold many exact zeros
          const y = input(gen, dtype, shape, layout, activation === 'sigmoid' ? 'unit' : 'normal');
          if (activation === 'relu') y.data = y.data.map((v) => Math.max(v, 0));
          cases.push({
            family: 'activationGrad',
            name: `activationGrad ${activation} of ${describeInput(dtype, shape, layout)}`,
            inputs: [
              y,
              input(gen, dtype, shape, layout === 'contiguous' ? 'offset' : 'contiguous', 'normal'),
            ],
            run: (b, [yv, dy]) => b.activationGrad!(activation, yv!, dy!),
            tolerance: 'arithmetic',
            nonFinite: false,
          });
        }
      }
    }
  }
  return cases;
}
