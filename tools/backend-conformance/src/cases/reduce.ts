import {
  type DType,
  dtypesOfKind,
  Generator,
  REDUCE_OP_KINDS,
  REDUCE_OPS,
  type TypedArray,
} from '@mlblocks/core-tensor';
import { REDUCE_TOLERANCE } from '../tolerances.js';
import { type Case, describeInput, input } from './case.js';
import { layoutsFor } from './layouts.js';
import { typedArray } from './values.js';

// Reductions from core-tensor's op list: every op on every dtype it takes, over the trailing
// 1…rank axes of views in every readable layout (trailing axes that are contiguous, strided, the
// outermost in memory, or in the middle of it).

const REDUCE_SHAPES: readonly (readonly number[])[] = [
  [1],
  [3],
  [63],
  [65],
  [7, 129],
  [3, 1, 5],
  [2, 3, 4, 5],
];
/** Empty inputs: sum and prod have an identity; max/min/arg* are refused by the NDArray layer first. */
const EMPTY_SHAPES: readonly (readonly number[])[] = [[0], [3, 0], [0, 4]];

export function reduceCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const op of REDUCE_OPS) {
    const hasIdentity = op === 'sum' || op === 'prod';
    // products stay exact on integers and finite on floats over values near 1
    const domain = op === 'prod' ? 'unit' : 'any';
    for (const dtype of dtypesOfKind(REDUCE_OP_KINDS[op])) {
      const float = dtype === 'float32' || dtype === 'float64';
      const tolerance = float ? (REDUCE_TOLERANCE[op] ?? 'exact') : 'exact';
      for (const shape of [...REDUCE_SHAPES, ...(hasIdentity ? EMPTY_SHAPES : [])]) {
        // argmax/argmin reduce one axis (the NDArray layer flattens for "all axes")
        const counts = op === 'argmax' || op === 'argmin' ? [1] : [...shape.keys()].map((k) => k + 1);
        for (const axisCount of counts) {
          for (const layout of layoutsFor(shape)) {
            cases.push({
              family: 'reduce',
              name: `${op} over ${axisCount} trailing ${axisCount === 1 ? 'axis' : 'axes'} of ${describeInput(dtype, shape, layout)}`,
              inputs: [input(gen, dtype, shape, layout, domain)],
              run: (b, [x]) => b.reduce(op, x!, axisCount),
              tolerance,
              nonFinite: false,
            });
          }
        }
      }
      if (float && op !== 'prod') {
        // NaN propagates through sum/max/min and wins argmax/argmin (the first one), as in PyTorch;
        // ±∞ win max/min and sum to ±∞ (both: NaN)
        cases.push({
          family: 'reduce',
          name: `${op} of rows with NaN and ±∞ (${dtype})`,
          inputs: [
            { ...input(gen, dtype, [6, 7], 'contiguous', 'normal'), data: rowsWithNonFinite(dtype, gen) },
          ],
          run: (b, [x]) => b.reduce(op, x!, 1),
          tolerance,
          nonFinite: true,
        });
      }
      if (op === 'argmax' || op === 'argmin') {
        // ties: the first extreme index
        cases.push({
          family: 'reduce',
          name: `${op} picks the first of equal extremes (${dtype})`,
          inputs: [
            {
              dtype,
              data: typedArray(dtype, [1, 5, 5, 2, 0, 0]),
              shape: [2, 3],
              strides: [3, 1],
              offset: 0,
            },
          ],
          run: (b, [x]) => b.reduce(op, x!, 1),
          tolerance: 'exact',
          nonFinite: false,
        });
      }
    }
  }
  return cases;
}

/** Six rows of seven normals: NaN inside, ±∞, both infinities, NaN first, all −∞, and plain. */
function rowsWithNonFinite(dtype: DType, gen: Generator): TypedArray {
  const rows = Array.from({ length: 6 }, () => Array.from({ length: 7 }, () => gen.nextNormal()));
  rows[0]![3] = Number.NaN;
  rows[1]![5] = Number.POSITIVE_INFINITY;
  rows[2]![2] = Number.NEGATIVE_INFINITY;
  rows[3]![1] = Number.POSITIVE_INFINITY;
  rows[3]![6] = Number.NEGATIVE_INFINITY;
  rows[4]![0] = Number.NaN;
  rows[4]![4] = Number.NaN;
  rows[5] = rows[5]!.map(() => Number.NEGATIVE_INFINITY);
  return typedArray(dtype, rows.flat());
}
