import {
  BINARY_OP_KINDS,
  BINARY_OPS,
  type BinaryOp,
  broadcastShapes,
  type DType,
  dtypesOfKind,
  Generator,
  type OpKind,
  UNARY_OP_KINDS,
  UNARY_OPS,
  type UnaryOp,
} from '@mlblocks/core-tensor';
import { BINARY_TOLERANCE, type ToleranceClass, UNARY_TOLERANCE } from '../tolerances.js';
import { type Case, describeInput, input } from './case.js';
import { type Layout, layoutsFor } from './layouts.js';
import type { Domain } from './values.js';

// Cases generated from core-tensor's op lists: every op, on every dtype it takes, on every shape
// below in every layout it allows. A new op is tested here with no case written for it; an op
// whose inputs need a domain (log needs positive numbers) declares it in the tables below.

/** Shapes of element-wise inputs: a scalar, empty, size 1, odd sizes, past the SIMD width and a workgroup, rank 4. */
export const ELEMENTWISE_SHAPES: readonly (readonly number[])[] = [
  [],
  [0],
  [1],
  [3],
  [65],
  [7, 129],
  [3, 1, 5],
  [2, 3, 4, 5],
];

/** The values an op's inputs are drawn from, where random normals would leave its domain. */
export const UNARY_DOMAINS: Partial<Record<UnaryOp, Domain>> = {
  log: 'positive',
  sqrt: 'positive',
  reciprocal: 'nonzero',
};

export const BINARY_DOMAINS: Partial<Record<BinaryOp, [Domain, Domain]>> = {
  div: ['any', 'nonzero'],
  pow: ['positive', 'small'],
};

/** Integer pow over small bases and exponents (large ones overflow differently in float64). */
const INTEGER_DOMAINS: Partial<Record<BinaryOp, [Domain, Domain]>> = { pow: ['small', 'small'] };

/** Pairs of input shapes that broadcast (row, column, scalar, outer product, empty). */
const BINARY_SHAPES: readonly [readonly number[], readonly number[]][] = [
  [[65], [65]],
  [[7, 129], [129]],
  [
    [7, 129],
    [7, 1],
  ],
  [
    [3, 1, 5],
    [4, 1],
  ],
  [[], [2, 3, 4, 5]],
  [[1], [3]],
  [[0, 3], [3]],
];

const BINARY_LAYOUTS: readonly [Layout, Layout][] = [
  ['contiguous', 'contiguous'],
  ['transposed', 'offset'],
  ['stepped', 'reversed'],
  ['offset', 'broadcast'],
];

function toleranceOf(
  table: Partial<Record<string, ToleranceClass>>,
  op: string,
  kind: OpKind,
  dtype: DType,
): ToleranceClass {
  if (dtype !== 'float16' && dtype !== 'float32' && dtype !== 'float64') return 'exact';
  return table[op] ?? (kind === 'float' ? 'transcendental' : 'exact');
}

export function unaryCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const op of UNARY_OPS) {
    for (const dtype of dtypesOfKind(UNARY_OP_KINDS[op])) {
      const float = dtype === 'float32' || dtype === 'float64';
      for (const shape of ELEMENTWISE_SHAPES) {
        for (const layout of layoutsFor(shape)) {
          cases.push({
            family: 'unary',
            name: `${op} ${describeInput(dtype, shape, layout)}`,
            inputs: [input(gen, dtype, shape, layout, UNARY_DOMAINS[op] ?? 'any')],
            run: (b, [x]) => b.unary(op, x!),
            tolerance: toleranceOf(UNARY_TOLERANCE, op, UNARY_OP_KINDS[op], dtype),
            nonFinite: false,
          });
        }
      }
      // edge values (±0, halves, huge floats; int32 extremes), then NaN and ±∞, where the op's
      // domain allows any input
      if (!UNARY_DOMAINS[op] && dtype !== 'bool') {
        for (const domain of float ? (['edge', 'nonFinite'] as const) : (['edge'] as const)) {
          cases.push({
            family: 'unary',
            name: `${op} ${describeInput(dtype, [67], 'contiguous')} with ${domain} values`,
            inputs: [input(gen, dtype, [67], 'contiguous', domain)],
            run: (b, [x]) => b.unary(op, x!),
            tolerance: toleranceOf(UNARY_TOLERANCE, op, UNARY_OP_KINDS[op], dtype),
            nonFinite: domain === 'nonFinite',
          });
        }
      }
    }
  }
  return cases;
}

export function binaryCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const op of BINARY_OPS) {
    for (const dtype of dtypesOfKind(BINARY_OP_KINDS[op])) {
      const float = dtype === 'float32' || dtype === 'float64';
      const [da, db] = (float ? BINARY_DOMAINS[op] : INTEGER_DOMAINS[op]) ?? ['any', 'any'];
      for (const [sa, sb] of BINARY_SHAPES) {
        const out = broadcastShapes(op, sa, sb);
        for (const [la, lb] of BINARY_LAYOUTS) {
          if (!layoutsFor(sa).includes(la) || !layoutsFor(sb).includes(lb)) continue;
          cases.push({
            family: 'binary',
            name: `${op} ${describeInput(dtype, sa, la)} with ${describeInput(dtype, sb, lb)}`,
            inputs: [input(gen, dtype, sa, la, da, out), input(gen, dtype, sb, lb, db, out)],
            run: (b, [x, y]) => b.binary(op, x!, y!),
            tolerance: toleranceOf(BINARY_TOLERANCE, op, BINARY_OP_KINDS[op], dtype),
            nonFinite: false,
          });
        }
      }
      if (!BINARY_DOMAINS[op] && !INTEGER_DOMAINS[op] && dtype !== 'bool') {
        // edge values on both sides (int32 wrap-around, ±0), then NaN and ±∞ against everything
        for (const domain of float ? (['edge', 'nonFinite'] as const) : (['edge'] as const)) {
          cases.push({
            family: 'binary',
            name: `${op} ${describeInput(dtype, [67], 'contiguous')} with ${domain} values on both sides`,
            inputs: [
              input(gen, dtype, [67], 'contiguous', domain),
              input(gen, dtype, [67], 'offset', domain),
            ],
            run: (b, [x, y]) => b.binary(op, x!, y!),
            tolerance: toleranceOf(BINARY_TOLERANCE, op, BINARY_OP_KINDS[op], dtype),
            nonFinite: domain === 'nonFinite',
          });
        }
      }
    }
  }
  return cases;
}
