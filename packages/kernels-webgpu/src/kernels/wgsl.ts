import type { StridedView } from '@mlblocks/core-tensor';
import type { WgslType } from '../engine/dtypes.js';
import { WORKGROUP } from '../engine/engine.js';

/**
 * WGSL building blocks shared by the kernels. Every kernel reads its shapes, strides and offsets
 * from binding 0 (`params: array<i32>`), so one compiled pipeline serves every shape.
 */

export interface Binding {
  name: string;
  type: WgslType | 'atomic<u32>' | 'atomic<i32>' | 'vec4<f32>' | 'vec4<f16>';
  access: 'read' | 'read_write';
}

/** A value loaded from storage of `type`, in the type kernels compute in (f16 is widened to f32). */
export function widen(type: WgslType, value: string): string {
  return type === 'f16' ? `f32(${value})` : value;
}

/** The bindings block: meta at 0, then the given buffers. */
export function bindings(list: Binding[]): string {
  return [
    '@group(0) @binding(0) var<storage, read> params: array<i32>;',
    ...list.map(
      (b, i) => `@group(0) @binding(${i + 1}) var<storage, ${b.access}> ${b.name}: array<${b.type}>;`,
    ),
  ].join('\n');
}

/** Entry point of a 1-D kernel over `n` elements: defines `i` and returns past the end. */
export function main1d(n: string, body: string): string {
  return `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  if (i >= ${n}) { return; }
${body}
}`;
}

/**
 * Entry point of a 1-D kernel in which each invocation handles {@link RUN} consecutive elements
 * `i` of `n` (the meta's first entry): `prologue` runs once per invocation — read the offsets and
 * hyperparameters there, not per element: on CPU-backed adapters every such read is one load per
 * SIMD lane — then `body` per element. Dispatch `ceil(n / RUN)` invocations.
 */
export function mainRuns(prologue: string, body: string): string {
  return `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = u32(params[0]);
  let first = (gid.x + gid.y * nwg.x * ${WORKGROUP}u) * ${RUN}u;
  if (first >= n) { return; }
  let end = min(first + ${RUN}u, n);
${prologue}
  for (var i = first; i < end; i = i + 1u) {
${body}
  }
}`;
}

/**
 * `at(i, k)`: storage index of element `i` (row-major over the shared shape) of operand `k`.
 * Meta layout: [n, rank, shape[rank], then per operand: offset, strides[rank]].
 */
export const STRIDED_AT = `
fn at(i: u32, k: u32) -> u32 {
  let rank = params[1];
  let base = 2 + rank + i32(k) * (rank + 1);
  var off = params[base];
  var rem = i;
  for (var d = rank - 1; d >= 0; d = d - 1) {
    let dim = u32(params[2 + d]);
    off = off + i32(rem % dim) * params[base + 1 + d];
    rem = rem / dim;
  }
  return u32(off);
}`;

/** Elements one invocation of a map kernel ({@link mapMain}) handles, consecutive in the flat index. */
export const RUN = 8;

/** How a map kernel reads an operand: `offset + i`, one broadcast value, or through its strides. */
export type ReadMode = 'dense' | 'scalar' | 'strided';

/** The read mode of `view` over `shape`. */
export function readMode(view: Pick<StridedView, 'strides'>, shape: readonly number[]): ReadMode {
  if (view.strides.every((s, i) => s === 0 || shape[i] === 1)) return 'scalar';
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && view.strides[d] !== expected) return 'strided';
    expected *= shape[d]!;
  }
  return 'dense';
}

/**
 * The same elements as `shape` and `views`' strides with fewer axes: size-1 axes dropped and
 * neighbours merged wherever every operand steps through them as through one axis (a broadcast
 * bias `[1, C, 1, 1]` over `[N, C, H, W]` becomes `[N, C, H·W]`). Never rank 0: a scalar is `[1]`.
 * Fewer axes is less index arithmetic per element.
 */
export function coalesce<V extends Pick<StridedView, 'strides' | 'offset'>>(
  shape: readonly number[],
  views: readonly V[],
): { shape: number[]; views: Pick<StridedView, 'strides' | 'offset'>[] } {
  const dims: number[] = [];
  const strides: number[][] = views.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && views.every((v, k) => strides[k]![last] === v.strides[d]! * size)) {
      dims[last] = dims[last]! * size;
      views.forEach((v, k) => {
        strides[k]![last] = v.strides[d]!;
      });
      continue;
    }
    dims.push(size);
    views.forEach((v, k) => {
      strides[k]!.push(v.strides[d]!);
    });
  }
  if (dims.length === 0) return { shape: [1], views: views.map((v) => ({ strides: [0], offset: v.offset })) };
  return { shape: dims, views: views.map((v, k) => ({ strides: strides[k]!, offset: v.offset })) };
}

/**
 * Entry point of a map kernel over the `n = params[0]` elements of {@link stridedMeta}: each
 * invocation handles {@link RUN} consecutive elements `i`, running `statement(index)`, where
 * `index(k)` is the storage index (i32) of operand `k`'s element `i`. A strided operand's index is
 * found once per run (and at each row end), then stepped by its last stride: the per-element
 * divisions of `at()` are what makes such kernels slow on CPU-backed adapters.
 */
export function mapMain(
  modes: readonly ReadMode[],
  statement: (index: (k: number) => string) => string,
): string {
  const strided = modes.flatMap((m, k) => (m === 'strided' ? [k] : []));
  const index = (k: number) =>
    modes[k] === 'dense' ? `base${k} + i32(i)` : modes[k] === 'scalar' ? `base${k}` : `o${k}`;
  const setup = modes.map((m, k) =>
    m === 'strided'
      ? `  var o${k} = i32(at(first, ${k}u));\n  let step${k} = params[2 + rank + ${k} * (rank + 1) + rank];`
      : `  let base${k} = params[2 + rank + ${k} * (rank + 1)];`,
  );
  const advance = [
    '    col = col + 1u;',
    '    if (col == lastDim) {',
    '      col = 0u;',
    ...strided.map((k) => `      o${k} = i32(at(i + 1u, ${k}u));`),
    '    } else {',
    ...strided.map((k) => `      o${k} = o${k} + step${k};`),
    '    }',
  ];
  return [
    `@compute @workgroup_size(${WORKGROUP})`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    '  let n = u32(params[0]);',
    `  let first = (gid.x + gid.y * nwg.x * ${WORKGROUP}u) * ${RUN}u;`,
    '  if (first >= n) { return; }',
    `  let end = min(first + ${RUN}u, n);`,
    '  let rank = params[1];',
    ...(strided.length > 0 ? ['  let lastDim = u32(params[1 + rank]);', '  var col = first % lastDim;'] : []),
    ...setup,
    '  for (var i = first; i < end; i = i + 1u) {',
    statement(index),
    ...(strided.length > 0 ? advance : []),
    '  }',
    '}',
  ].join('\n');
}

/** Meta for `STRIDED_AT`: element count, shared shape, then each operand's offset and strides. */
export function stridedMeta(
  shape: readonly number[],
  views: readonly Pick<StridedView, 'strides' | 'offset'>[],
): Int32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Int32Array.from([n, shape.length, ...shape, ...views.flatMap((v) => [v.offset, ...v.strides])]);
}

/** Helper functions some expressions call (only the ones a kernel uses are emitted). */
export const HELPERS: Record<string, string> = {
  safeTanh: `
fn safeTanh(x: f32) -> f32 {
  // tanh via exp(−2|x|): never overflows, unlike (e^x − e^−x)/(e^x + e^−x)
  let t = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - t) / (1.0 + t);
}`,
  erf: `
fn erf(x: f32) -> f32 {
  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: float32 precision
  let s = sign(x);
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return s * y;
}`,
  powf: `
fn powf(a: f32, b: f32) -> f32 {
  // WGSL pow is exp2(b·log2 a), undefined for a < 0; integer exponents of negatives keep their sign
  if (b == 0.0) { return 1.0; }
  if (a >= 0.0) { return pow(a, b); }
  if (b != floor(b)) { let z = a - a; return z / z; } // NaN, made at run time (constants cannot be NaN)
  let m = pow(-a, b);
  return select(m, -m, (i32(b) & 1) == 1);
}`,
  ipow: `
fn ipow(a: i32, b: i32) -> i32 {
  if (b < 0) { return select(0, select(-1, 1, (b & 1) == 0), a == -1) + select(0, 1, a == 1); }
  var r = 1;
  var base = a;
  var e = b;
  loop { if (e == 0) { break; } if ((e & 1) == 1) { r = r * base; } base = base * base; e = e >> 1u; }
  return r;
}`,
  upow: `
fn upow(a: u32, b: u32) -> u32 {
  var r = 1u;
  var base = a;
  var e = b;
  loop { if (e == 0u) { break; } if ((e & 1u) == 1u) { r = r * base; } base = base * base; e = e >> 1u; }
  return r;
}`,
};

/** The helper functions an expression calls. */
export function helpersFor(expr: string): string {
  return Object.entries(HELPERS)
    .filter(([name]) => new RegExp(`\\b${name}\\(`).test(expr))
    .map(([, code]) => code)
    .join('\n');
}
