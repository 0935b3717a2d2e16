import type { ReduceOp, StridedView } from '@mlblocks/core-tensor';
import { computeType, type WgslType, wgslType } from '../engine/dtypes.js';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { bindings, widen } from './wgsl.js';

/**
 * Row reductions: one workgroup per row of a contiguous `[rows, n]` input. Each of the 64
 * threads folds a strided slice of the row, then a shared-memory tree combines the 64 partial
 * results. Rows are spread over a 2-D grid of workgroups (65,535 per axis).
 */
export const THREADS = 64;

// max/min start from the row's first element (an identity for them, and rows are never empty
// there): WGSL constant expressions cannot spell ±∞.
const FIRST = 'first';

/** Accumulators are kept in the compute type (f16 rows are summed in f32). */
type AccType = Exclude<WgslType, 'f16'>;

/** WGSL reading element `index` of `array` in the compute type (f16 → f32). */
const load = (t: WgslType, array: string, index: string) => widen(t, `${array}[${index}]`);

interface Fold {
  identity: Record<AccType, string>;
  /** Combines accumulator `a` with value `b` (NaN-propagating for max/min). */
  combine: string;
}

const FOLDS: Record<'sum' | 'prod' | 'max' | 'min', Fold> = {
  sum: { identity: { f32: '0.0', i32: '0', u32: '0u' }, combine: 'a + b' },
  prod: { identity: { f32: '1.0', i32: '1', u32: '1u' }, combine: 'a * b' },
  max: { identity: { f32: FIRST, i32: FIRST, u32: FIRST }, combine: 'select(a, b, b > a || b != b)' },
  min: { identity: { f32: FIRST, i32: FIRST, u32: FIRST }, combine: 'select(a, b, b < a || b != b)' },
};

/**
 * Entry point of a row kernel: one workgroup of `THREADS` per row; defines `row`, `n`, `base` and
 * `t` (and, with `subgroups`, the `sgLane` / `sgSize` builtins {@link sumOf} uses).
 */
export function rowMain(body: string, subgroups = false): string {
  const sg = subgroups
    ? ', @builtin(subgroup_invocation_id) sgLane: u32, @builtin(subgroup_size) sgSize: u32'
    : '';
  return `@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>${sg}) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= u32(params[0])) { return; }
  let n = u32(params[1]);
  let base = u32(params[2]) + row * n;
  let t = lid.x;
${body}
}`;
}

/** The directive a module using subgroup builtins starts with ('' without them). */
export function subgroupsDirective(subgroups: boolean): string {
  return subgroups ? 'enable subgroups;' : '';
}

/**
 * WGSL folding the row's partial results in workgroup array `sv` into `sv[0]` with `op` (an
 * expression of `sv[t]` and `sv[t + s]`): a shared-memory tree, every invocation of the row taking part.
 */
export function treeReduce(op: string): string {
  return `  workgroupBarrier();
  for (var s = ${THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { sv[t] = ${op}; }
    workgroupBarrier();
  }`;
}

/**
 * WGSL defining `let ${name}`, the sum over the row's invocations of each one's `partial`
 * (of type `type`), through workgroup array `sv`. With subgroups, one barrier instead of the
 * tree's seven: every subgroup adds up all of `sv` (each lane a strided share, then
 * `subgroupAdd`), so no assumption is made about which invocations form a subgroup. Without,
 * the shared-memory tree. `sv` may be reused after a `workgroupBarrier()`.
 */
export function sumOf(name: string, partial: string, type: AccType, subgroups: boolean): string {
  if (!subgroups) return `  sv[t] = ${partial};\n${treeReduce('sv[t] + sv[t + s]')}\n  let ${name} = sv[0];`;
  return `  sv[t] = ${partial};
  workgroupBarrier();
  var ${name}Share = ${type}(0);
  for (var j = sgLane; j < ${THREADS}u; j = j + sgSize) { ${name}Share = ${name}Share + sv[j]; }
  let ${name} = subgroupAdd(${name}Share);`;
}
/** Grid of one workgroup per row. */
export function rowGrid(rows: number): [number, number, number] {
  return rows <= 65535 ? [rows, 1, 1] : [65535, Math.ceil(rows / 65535), 1];
}

/** Reduces each row of the contiguous `x` (`[rows, n]` starting at its offset) into `out[rows]`. */
export function reduceRows(
  engine: Engine,
  op: ReduceOp,
  x: StridedView,
  rows: number,
  n: number,
  out: GPUBuffer,
): void {
  if (rows === 0) return;
  const dtype = x.storage.dtype;
  const t = wgslType(op, dtype);
  const meta = Int32Array.from([rows, n, x.offset]);
  const ct = computeType(t);
  if (op === 'argmax' || op === 'argmin') {
    const better = op === 'argmax' ? '>' : '<';
    // (value, index) pairs; NaN wins (as on the CPU), then the extreme value, then the lower index
    const wins = (bv: string, bi: string, av: string, ai: string) =>
      `(${bv} != ${bv} && (${av} == ${av} || ${bi} < ${ai})) || (${av} == ${av} && ${bv} == ${bv} && (${bv} ${better} ${av} || (${bv} == ${av} && ${bi} < ${ai})))`;
    const kernel = engine.kernel(`reduce:${op}:${t}`, () =>
      [
        bindings([
          { name: 'inp', type: t, access: 'read' },
          { name: 'out', type: 'i32', access: 'read_write' },
        ]),
        `var<workgroup> sv: array<${ct}, ${THREADS}>;\nvar<workgroup> si: array<u32, ${THREADS}>;`,
        rowMain(`  var av = ${load(t, 'inp', 'base')};
  var ai = 0u;
  for (var j = t; j < n; j = j + ${THREADS}u) {
    let bv = ${load(t, 'inp', 'base + j')};
    if (${wins('bv', 'j', 'av', 'ai')}) { av = bv; ai = j; }
  }
  sv[t] = av;
  si[t] = ai;
  workgroupBarrier();
  for (var s = ${THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (t < s && t + s < n) {
      let bv = sv[t + s];
      let bi = si[t + s];
      let cv = sv[t];
      let ci = si[t];
      if (${wins('bv', 'bi', 'cv', 'ci')}) { sv[t] = bv; si[t] = bi; }
    }
    workgroupBarrier();
  }
  if (t == 0u) { out[row] = i32(si[0]); }`),
      ].join('\n'),
    );
    engine.dispatch(kernel, meta, [bufferOf(x), out], rowGrid(rows));
    return;
  }
  const fold = FOLDS[op];
  // sums through subgroups where the device has them; max/min/prod keep the tree (NaN rules)
  const sg = op === 'sum' && engine.subgroups;
  const kernel = engine.kernel(`reduce:${op}:${dtype}${sg ? ':sg' : ''}`, () =>
    [
      subgroupsDirective(sg),
      bindings([
        { name: 'inp', type: t, access: 'read' },
        { name: 'out', type: t, access: 'read_write' },
      ]),
      `var<workgroup> sv: array<${ct}, ${THREADS}>;`,
      `fn combine(a: ${ct}, b: ${ct}) -> ${ct} { return ${fold.combine}; }`,
      rowMain(
        `  let first = ${load(t, 'inp', 'base')};
  var acc = ${fold.identity[ct]};
  for (var j = t; j < n; j = j + ${THREADS}u) { acc = combine(acc, ${load(t, 'inp', 'base + j')}); }
${sg ? sumOf('total', 'acc', ct, true) : `  sv[t] = acc;\n${treeReduce('combine(sv[t], sv[t + s])')}\n  let total = sv[0];`}
  if (t == 0u) { out[row] = ${dtype === 'uint8' ? 'total & 255u' : t === 'f16' ? 'f16(total)' : 'total'}; }`,
        sg,
      ),
    ].join('\n'),
  );
  engine.dispatch(kernel, meta, [bufferOf(x), out], rowGrid(rows));
}

/** Softmax or log-softmax of each row of the contiguous float32 `x`, fused: max, Σexp, write. */
export function softmaxRows(
  engine: Engine,
  x: StridedView,
  rows: number,
  n: number,
  log: boolean,
  out: GPUBuffer,
): void {
  if (rows === 0 || n === 0) return;
  const sg = engine.subgroups;
  const t = wgslType(log ? 'logSoftmax' : 'softmax', x.storage.dtype);
  const at = (j: string) => load(t, 'inp', j);
  const kernel = engine.kernel(`softmax:${log}:${t}${sg ? ':sg' : ''}`, () =>
    [
      subgroupsDirective(sg),
      bindings([
        { name: 'inp', type: t, access: 'read' },
        { name: 'out', type: t, access: 'read_write' },
      ]),
      `var<workgroup> sv: array<f32, ${THREADS}>;`,
      rowMain(
        `  let outBase = row * n;
  var m = ${at('base')};
  for (var j = t; j < n; j = j + ${THREADS}u) { m = max(m, ${at('base + j')}); }
  sv[t] = m;
${treeReduce('max(sv[t], sv[t + s])')}
  let rowMax = sv[0];
  workgroupBarrier();
  var part = 0.0;
  for (var j = t; j < n; j = j + ${THREADS}u) { part = part + exp(${at('base + j')} - rowMax); }
${sumOf('total', 'part', 'f32', sg)}
  // (x − max) first: exact for large logits, where x − (max + log Σ) would lose the small part
  let logTotal = log(total);
  for (var j = t; j < n; j = j + ${THREADS}u) {
    let y = ${log ? `(${at('base + j')} - rowMax) - logTotal` : `exp((${at('base + j')} - rowMax) - logTotal)`};
    out[outBase + j] = ${t === 'f16' ? 'f16(y)' : 'y'};
  }`,
        sg,
      ),
    ].join('\n'),
  );
  engine.dispatch(kernel, Int32Array.from([rows, n, x.offset]), [bufferOf(x), out], rowGrid(rows));
}
