import type { DType, TypedArray } from '../dtype.js';
import { ShapeError } from '../errors.js';

/** Nested JS arrays of numbers (or booleans), as `toArray()` returns and `fromArray()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/** Flattens nested arrays (checking they are rectangular) into values and a shape. */
export function parseNested(data: NestedArray): { values: number[]; shape: number[]; isBool: boolean } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const values: number[] = [];
  let isBool = typeof probe === 'boolean';
  const walk = (node: NestedArray, depth: number, path: number[]) => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw ragged(path, shape);
      if (typeof node !== 'number' && typeof node !== 'boolean') {
        throw new ShapeError(
          'fromArray',
          `element at [${path.join(',')}] is ${typeof node}, expected a number or boolean`,
        );
      }
      isBool &&= typeof node === 'boolean';
      values.push(Number(node));
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) throw ragged(path, shape);
    for (const [i, child] of node.entries()) walk(child, depth + 1, [...path, i]);
  };
  walk(data, 0, []);
  return { values, shape, isBool };
}

function ragged(path: number[], shape: number[]): ShapeError {
  return new ShapeError(
    'fromArray',
    `nested arrays are ragged at [${path.join(',')}]: every level must have the same length (expected shape [${shape.join(',')}])`,
  );
}

/** Rebuilds nested arrays from row-major values. */
export function toNested(values: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const convert = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return convert(values[0]!);
  let pos = 0;
  const build = (depth: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[depth]!; i++) {
      out.push(depth === shape.length - 1 ? convert(values[pos++]!) : build(depth + 1));
    }
    return out;
  };
  return build(0);
}
