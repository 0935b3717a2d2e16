import { type DType, Generator } from '@mlblocks/core-tensor';
import { type Case, describeInput, indexInput, input } from './case.js';

// gather (index-select along an axis) and its adjoint scatter-add (repeated indices accumulate):
// every dtype, indices that repeat, that run consecutively (im2col's rows), empty lists, strided
// index lists, and strided or transposed sources.

/** Index lists over an axis of length 23: random with repeats, runs of consecutive positions, one, none. */
function indexLists(gen: Generator): { name: string; indices: number[] }[] {
  return [
    { name: 'random with repeats', indices: Array.from({ length: 28 }, () => gen.nextInt(0, 23)) },
    { name: 'runs', indices: [0, 1, 2, 3, 4, 9, 10, 5, 6, 7, 8, 2, 3, 20, 21, 22] },
    { name: 'one', indices: [22] },
    { name: 'none', indices: [] },
  ];
}

/** [shape of x, axis of length 23] */
const SOURCES: readonly [readonly number[], number][] = [
  [[23], 0],
  [[23, 6], 0],
  [[3, 23], 1],
  [[2, 23, 5], 1],
];

const GATHER_DTYPES: readonly DType[] = ['float32', 'int32', 'uint8', 'bool', 'float64', 'float16'];
const SCATTER_DTYPES: readonly DType[] = ['float32', 'int32', 'float64', 'float16'];

export function gatherCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of GATHER_DTYPES)
    for (const [shape, axis] of SOURCES)
      for (const layout of ['contiguous', 'transposed', 'stepped'] as const) {
        if (layout === 'transposed' && shape.length < 2) continue;
        for (const { name, indices } of indexLists(gen))
          cases.push({
            family: 'gather',
            name: `gather ${name} along axis ${axis} of ${describeInput(dtype, shape, layout)}`,
            inputs: [
              input(gen, dtype, shape, layout),
              indexInput(indices, layout === 'stepped' ? 'stepped' : 'contiguous'),
            ],
            run: (b, [x, i]) => b.gather(x!, axis, i!),
            tolerance: 'exact',
            nonFinite: false,
          });
      }
  return cases;
}

export function scatterAddCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of SCATTER_DTYPES)
    for (const [outShape, axis] of SOURCES)
      for (const layout of ['contiguous', 'transposed'] as const) {
        for (const { name, indices } of indexLists(gen)) {
          const srcShape = outShape.map((d, a) => (a === axis ? indices.length : d));
          if (layout === 'transposed' && srcShape.filter((d) => d > 1).length < 2) continue;
          cases.push({
            family: 'scatterAdd',
            name: `scatter-add ${describeInput(dtype, srcShape, layout)} at ${name} indices along axis ${axis} into [${outShape}]`,
            inputs: [indexInput(indices), input(gen, dtype, srcShape, layout)],
            run: (b, [i, src]) => b.scatterAdd(outShape, axis, i!, src!),
            // float32 adds of repeated indices may land in another order (atomics on a GPU)
            tolerance: dtype === 'int32' ? 'exact' : 'accumulation',
            nonFinite: false,
          });
        }
      }
  return cases;
}
