import {
  type Backend,
  broadcastShapes,
  DTYPES,
  type DType,
  Generator,
  type Storage,
  type StridedView,
} from '@mlblocks/core-tensor';
import { type Case, describeInput, type Input, input } from './case.js';
import { type Layout, layoutsFor } from './layouts.js';
import { typedArray } from './values.js';

// Data movement: fill, copy (every cast between dtypes), strided assign (including a view of the
// same storage) and where — every dtype, strided and broadcast views.

const SHAPES: readonly (readonly number[])[] = [[0], [1], [7], [6, 8], [2, 3, 5]];

/** Values each dtype can be filled with (the NDArray layer hands bool 0/1, the others in range). */
const FILL_VALUES: Record<DType, number[]> = {
  bool: [0, 1],
  uint8: [0, 7, 255],
  int32: [0, -3, 2147483647],
  float16: [0, 1.5, -3.25, 65504],
  float32: [0, 1.5, -3.25, 1e30],
  float64: [0, Math.PI, -1e300, 5e-324],
};

export function fillCases(): Case[] {
  const cases: Case[] = [];
  for (const dtype of DTYPES)
    for (const size of [0, 1, 65])
      for (const value of FILL_VALUES[dtype])
        cases.push({
          family: 'fill',
          name: `fill ${dtype}[${size}] with ${value}`,
          inputs: [],
          run: (b) => b.fill(dtype, size, value),
          tolerance: 'exact',
          nonFinite: false,
        });
  return cases;
}

/** Casts of values whose conversion rules matter: truncation toward zero, uint8 wrap, bool = x ≠ 0. */
const CAST_VALUES: Record<DType, number[]> = {
  bool: [1, 0, 1],
  uint8: [0, 7, 255, 128],
  int32: [-3, 0, 5, 256, 1000, -70000],
  float16: [-2.75, -0.5, 0, 0.5, 1.875, 300.25, -300.75, 2049],
  float32: [-2.7, -0.5, 0, 0.5, 1.9, 300.2, -300.7],
  float64: [1e10, -2.5, 0.1, 70000.9],
};

export function copyCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      const cast = (b: Backend, [x]: StridedView[]) => b.copy(x!, to);
      for (const shape of SHAPES)
        for (const layout of layoutsFor(shape))
          cases.push({
            family: 'copy',
            name: `copy ${describeInput(from, shape, layout)} to ${to}`,
            inputs: [input(gen, from, shape, layout)],
            run: cast,
            tolerance: 'exact',
            nonFinite: false,
          });
      const values = CAST_VALUES[from];
      cases.push({
        family: 'copy',
        name: `copy ${from} [${values}] to ${to}`,
        inputs: [
          { dtype: from, data: typedArray(from, values), shape: [values.length], strides: [1], offset: 0 },
        ],
        run: cast,
        tolerance: 'exact',
        nonFinite: false,
      });
      if (from === 'float32' || from === 'float64')
        cases.push({
          family: 'copy',
          name: `copy ${from} NaN and ±∞ to ${to}`,
          inputs: [
            {
              dtype: from,
              data: typedArray(from, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
              shape: [3],
              strides: [1],
              offset: 0,
            },
          ],
          run: cast,
          tolerance: 'exact',
          nonFinite: true,
        });
    }
  }
  return cases;
}

/** The whole storage behind a view, copied out contiguously (what `assign` wrote, and what it must not). */
function wholeStorage(b: Backend, storage: Storage): Storage {
  return b.copy({ storage, shape: [storage.size], strides: [1], offset: 0 }, storage.dtype);
}

export function assignCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  const srcLayouts: Layout[] = ['contiguous', 'reversed', 'broadcast'];
  for (const dtype of DTYPES) {
    for (const shape of SHAPES) {
      for (const dstLayout of layoutsFor(shape, { writable: true })) {
        for (const srcLayout of srcLayouts) {
          if (!layoutsFor(shape).includes(srcLayout)) continue;
          cases.push({
            family: 'assign',
            name: `assign ${describeInput(dtype, shape, srcLayout)} into ${describeInput(dtype, shape, dstLayout)}`,
            inputs: [input(gen, dtype, shape, dstLayout), input(gen, dtype, shape, srcLayout)],
            run: (b, [dst, src]) => {
              b.assign(dst!, src!);
              return wholeStorage(b, dst!.storage);
            },
            tolerance: 'exact',
            nonFinite: false,
          });
        }
      }
    }
    // the two views share one storage and overlap: every read must see the values before the write
    const data = input(gen, dtype, [10], 'contiguous');
    for (const [dst, src] of [
      [1, 0],
      [0, 1],
      [0, 5],
    ] as const) {
      const n = dst === 0 && src === 5 ? 5 : 9;
      cases.push({
        family: 'assign',
        name: `assign ${dtype} elements [${src}, ${src + n}) onto [${dst}, ${dst + n}) of the same storage`,
        inputs: [data],
        run: (b, [x]) => {
          const view = (offset: number) => ({ storage: x!.storage, shape: [n], strides: [1], offset });
          b.assign(view(dst), view(src));
          return wholeStorage(b, x!.storage);
        },
        tolerance: 'exact',
        nonFinite: false,
      });
    }
  }
  return cases;
}

const WHERE_SHAPES: readonly [readonly number[], readonly number[], readonly number[]][] = [
  [[65], [65], [65]],
  [[5, 66], [66], [5, 1]],
  [[3, 1], [1, 4], []],
  [[0, 2], [2], [0, 2]],
];

export function whereCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  const layouts: [Layout, Layout, Layout][] = [
    ['contiguous', 'contiguous', 'contiguous'],
    ['stepped', 'reversed', 'offset'],
    ['transposed', 'broadcast', 'contiguous'],
  ];
  for (const dtype of DTYPES) {
    for (const [sc, sa, sb] of WHERE_SHAPES) {
      const out = broadcastShapes('where', broadcastShapes('where', sc, sa), sb);
      for (const [lc, la, lb] of layouts) {
        if (!layoutsFor(sc).includes(lc) || !layoutsFor(sa).includes(la) || !layoutsFor(sb).includes(lb))
          continue;
        const inputs: Input[] = [
          input(gen, 'bool', sc, lc, 'any', out),
          input(gen, dtype, sa, la, 'any', out),
          input(gen, dtype, sb, lb, 'any', out),
        ];
        cases.push({
          family: 'where',
          name: `where ${describeInput('bool', sc, lc)} ? ${describeInput(dtype, sa, la)} : ${describeInput(dtype, sb, lb)}`,
          inputs,
          run: (b, [c, x, y]) => b.where(c!, x!, y!),
          tolerance: 'exact',
          nonFinite: false,
        });
      }
    }
  }
  return cases;
}
