import type { Backend, DType, Generator, Storage, StridedView, TypedArray } from '@mlblocks/core-tensor';
import type { ToleranceClass } from '../tolerances.js';
import { broadcastStridesTo, type Layout, place } from './layouts.js';
import { type Domain, valuesOf } from './values.js';

/** The primitive families of the `Backend` contract; each is one test of the suite. */
export const FAMILIES = [
  'fill',
  'copy',
  'assign',
  'unary',
  'binary',
  'where',
  'reduce',
  'matmul',
  'matmulBiasActivation',
  'activationGrad',
  'gather',
  'scatterAdd',
  'softmax',
  'logSoftmax',
  'conv2d',
  'conv2dInputGrad',
  'conv2dWeightGrad',
  'maxPool2d',
  'maxPool2dGrad',
  'softmaxCrossEntropy',
  'softmaxCrossEntropyGrad',
  'lstmCell',
  'lstmCellGrad',
  'gruCell',
  'gruCellGrad',
] as const;
export type Family = (typeof FAMILIES)[number];

/** One input of a case: its storage's contents, and the view of it the primitive receives. */
export interface Input {
  dtype: DType;
  /** The elements of the storage (the view reads some of them). */
  data: TypedArray;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** One call of a primitive, run on the CPU reference and on the backend under test, and compared. */
export interface Case {
  family: Family;
  /** Names the case in a failure: op, dtypes, shapes and layouts. */
  name: string;
  inputs: Input[];
  /** Calls the primitive on `backend` with views of the inputs' storages there; returns a fresh storage. */
  run(backend: Backend, views: StridedView[]): Storage;
  tolerance: ToleranceClass;
  /** Feeds NaN or ±∞ to a float op (a backend may declare that it does not promise IEEE results there). */
  nonFinite: boolean;
}

/** An input of `shape` in `layout`, filled from `domain`, optionally broadcast to `to`. */
export function input(
  gen: Generator,
  dtype: DType,
  shape: readonly number[],
  layout: Layout,
  domain: Domain = 'any',
  to?: readonly number[],
): Input {
  const { strides, offset, storageSize } = place(shape, layout);
  const data = valuesOf(dtype, storageSize, domain, gen);
  if (!to) return { dtype, data, shape, strides, offset };
  return { dtype, data, shape: to, strides: broadcastStridesTo(shape, strides, to), offset };
}

/** An int32 index input holding exactly `indices` (contiguous, or every other element). */
export function indexInput(
  indices: readonly number[],
  layout: 'contiguous' | 'stepped' = 'contiguous',
): Input {
  const step = layout === 'stepped' ? 2 : 1;
  const data = new Int32Array(Math.max(1, indices.length * step));
  indices.forEach((v, i) => {
    data[i * step] = v;
  });
  return { dtype: 'int32', data, shape: [indices.length], strides: [step], offset: 0 };
}

/** Short description of an input for case names, e.g. `float32[7,129] transposed`. */
export function describeInput(dtype: DType, shape: readonly number[], layout: string): string {
  return `${dtype}[${shape.join(',')}]${layout === 'contiguous' ? '' : ` ${layout}`}`;
}
