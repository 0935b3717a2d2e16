import {
  BackendError,
  type BinaryOp,
  binaryResultDType,
  type DType,
  type FusedActivation,
  type StridedView,
  type UnaryOp,
} from '@mlblocks/core-tensor';
import { computeType, type WgslType, wgslType } from '../engine/dtypes.js';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import {
  bindings,
  coalesce,
  helpersFor,
  mapMain,
  RUN,
  readMode,
  STRIDED_AT,
  stridedMeta,
  widen,
} from './wgsl.js';

/**
 * Element-wise kernels, generated from one table of WGSL expressions per op and storage type
 * (like the CPU backend's table): `x` for unary ops, `a`/`b` for binary ones. Inputs are read
 * through their strides (broadcast axes have stride 0); the output is contiguous. f16 storage is
 * read into f32, computed with the f32 expressions and rounded once when stored.
 */

type Exprs = Partial<Record<WgslType, string>>;

const UNARY: Record<UnaryOp, Exprs> = {
  neg: { f32: '-x', i32: '-x', u32: '0u - x' },
  abs: { f32: 'abs(x)', i32: 'abs(x)', u32: 'x' },
  sign: { f32: 'sign(x)', i32: 'sign(x)', u32: 'select(0u, 1u, x > 0u)' },
  exp: { f32: 'exp(x)' },
  log: { f32: 'log(x)' },
  sqrt: { f32: 'sqrt(x)' },
  square: { f32: 'x * x', i32: 'x * x', u32: 'x * x' },
  reciprocal: { f32: '1.0 / x' },
  tanh: { f32: 'safeTanh(x)' },
  sigmoid: { f32: '1.0 / (1.0 + exp(-x))' },
  relu: { f32: 'select(0.0, x, x > 0.0 || x != x)', i32: 'max(x, 0)', u32: 'x' },
  erf: { f32: 'erf(x)' },
  floor: { f32: 'floor(x)', i32: 'x', u32: 'x' },
  ceil: { f32: 'ceil(x)', i32: 'x', u32: 'x' },
  round: { f32: 'round(x)', i32: 'x', u32: 'x' }, // WGSL rounds half to even, like the CPU backend
  sin: { f32: 'sin(x)' },
  cos: { f32: 'cos(x)' },
  not: { u32: 'select(1u, 0u, x != 0u)' },
};

const BINARY: Record<BinaryOp, Exprs> = {
  add: { f32: 'a + b', i32: 'a + b', u32: 'a + b' },
  sub: { f32: 'a - b', i32: 'a - b', u32: 'a - b' },
  mul: { f32: 'a * b', i32: 'a * b', u32: 'a * b' },
  div: { f32: 'a / b' },
  pow: { f32: 'powf(a, b)', i32: 'ipow(a, b)', u32: 'upow(a, b)' },
  maximum: { f32: 'select(max(a, b), a + b, a != a || b != b)', i32: 'max(a, b)', u32: 'max(a, b)' },
  minimum: { f32: 'select(min(a, b), a + b, a != a || b != b)', i32: 'min(a, b)', u32: 'min(a, b)' },
  eq: { f32: 'a == b', i32: 'a == b', u32: 'a == b' },
  ne: { f32: 'a != b', i32: 'a != b', u32: 'a != b' },
  lt: { f32: 'a < b', i32: 'a < b', u32: 'a < b' },
  le: { f32: 'a <= b', i32: 'a <= b', u32: 'a <= b' },
  gt: { f32: 'a > b', i32: 'a > b', u32: 'a > b' },
  ge: { f32: 'a >= b', i32: 'a >= b', u32: 'a >= b' },
  and: { u32: '(a != 0u) && (b != 0u)' },
  or: { u32: '(a != 0u) || (b != 0u)' },
};

/** dy·act′ written in the activation's output: v0 = y, v1 = dy (as the CPU's epilogue.ts). */
const ACTIVATION_GRAD: Record<FusedActivation, string> = {
  none: 'v1',
  relu: 'select(0.0, v1, v0 > 0.0)',
  tanh: 'v1 * (1.0 - v0 * v0)',
  sigmoid: 'v1 * (v0 * (1.0 - v0))',
};

/**
 * Wraps an expression so the stored value matches core-tensor's dtype: uint8 wraps mod 256,
 * bool is 0/1.
 */
function store(expr: string, dtype: DType, isBool = false): string {
  if (isBool) return `select(0u, 1u, ${expr})`;
  return dtype === 'uint8' ? `(${expr}) & 255u` : expr;
}

/**
 * Runs a generated map kernel: inputs read through strides (after merging the axes they step
 * through alike), one contiguous output; each invocation writes {@link RUN} consecutive elements.
 */
function runMap(
  engine: Engine,
  key: string,
  inputs: { view: StridedView; type: WgslType }[],
  outType: WgslType,
  shape: readonly number[],
  expr: string,
  out: GPUBuffer,
): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const merged = coalesce(
    shape,
    inputs.map((inp) => inp.view),
  );
  // how each input is read: densely (`offset + i`), as one broadcast value, or through its
  // strides; the first two skip the per-element index arithmetic, which dominates small kernels
  const modes = merged.views.map((view) => readMode(view, merged.shape));
  const kernel = engine.kernel(`${key}:${modes.join(',')}`, () =>
    [
      bindings([
        ...inputs.map((inp, k) => ({ name: `in${k}`, type: inp.type, access: 'read' as const })),
        { name: 'out', type: outType, access: 'read_write' },
      ]),
      STRIDED_AT,
      helpersFor(expr),
      mapMain(
        modes,
        (index) =>
          `${inputs.map((inp, k) => `    let v${k} = ${widen(inp.type, `in${k}[${index(k)}]`)};`).join('\n')}\n    out[i] = ${outType === 'f16' ? `f16(${expr})` : expr};`,
      ),
    ].join('\n'),
  );
  const meta = stridedMeta(merged.shape, merged.views);
  engine.dispatch(kernel, meta, [...inputs.map((inp) => bufferOf(inp.view)), out], Math.ceil(n / RUN));
}

export function unary(engine: Engine, op: UnaryOp, x: StridedView, out: GPUBuffer): void {
  const dtype = x.storage.dtype;
  const t = wgslType(op, dtype);
  const expr = UNARY[op][computeType(t)];
  if (!expr) throw new BackendError(op, `the WebGPU backend has no ${dtype} kernel for ${op}`);
  runMap(
    engine,
    `unary:${op}:${dtype}`,
    [{ view: x, type: t }],
    t,
    x.shape,
    store(expr.replaceAll(/\bx\b/g, 'v0'), dtype),
    out,
  );
}

export function binary(engine: Engine, op: BinaryOp, a: StridedView, b: StridedView, out: GPUBuffer): void {
  const dtype = a.storage.dtype;
  const t = wgslType(op, dtype);
  const expr = BINARY[op][computeType(t)];
  if (!expr) throw new BackendError(op, `the WebGPU backend has no ${dtype} kernel for ${op}`);
  // comparisons, and and/or on bool: the expression is a WGSL bool, stored as 0/1
  const isBool = binaryResultDType(op, dtype) === 'bool';
  const body = expr.replaceAll(/\ba\b/g, 'v0').replaceAll(/\bb\b/g, 'v1');
  runMap(
    engine,
    `binary:${op}:${dtype}`,
    [
      { view: a, type: t },
      { view: b, type: t },
    ],
    isBool ? 'u32' : t,
    a.shape,
    store(body, dtype, isBool),
    out,
  );
}

/** The gradient through `activation` from its output `y` and the output's gradient `dy` (f32 or f16 views of one shape). */
export function activationGrad(
  engine: Engine,
  activation: FusedActivation,
  y: StridedView,
  dy: StridedView,
  out: GPUBuffer,
): void {
  const t = wgslType('activationGrad', y.storage.dtype);
  runMap(
    engine,
    `activationGrad:${activation}:${t}`,
    [
      { view: y, type: t },
      { view: dy, type: t },
    ],
    t,
    y.shape,
    ACTIVATION_GRAD[activation],
    out,
  );
}

export function where(
  engine: Engine,
  cond: StridedView,
  a: StridedView,
  b: StridedView,
  out: GPUBuffer,
): void {
  const dtype = a.storage.dtype;
  const t = wgslType('where', dtype);
  runMap(
    engine,
    `where:${dtype}`,
    [
      { view: cond, type: 'u32' },
      { view: a, type: t },
      { view: b, type: t },
    ],
    t,
    a.shape,
    'select(v2, v1, v0 != 0u)',
    out,
  );
}

/** Contiguous copy with dtype conversion (float → int truncates toward zero; uint8 wraps; bool is x ≠ 0). */
export function copy(engine: Engine, x: StridedView, dtype: DType, out: GPUBuffer): void {
  const from = x.storage.dtype;
  const ti = wgslType('copy', from);
  const to = wgslType('copy', dtype);
  // the expression sees f16 as f32 (runMap widens it on load and rounds it on store)
  const [ci, co] = [computeType(ti), computeType(to)];
  let expr: string;
  if (dtype === 'bool')
    expr = ci === 'f32' ? 'select(0u, 1u, v0 != 0.0)' : `select(0u, 1u, v0 != ${ci === 'i32' ? '0' : '0u'})`;
  else if (dtype === 'uint8') expr = ci === 'f32' ? 'u32(i32(v0)) & 255u' : 'u32(v0) & 255u';
  else expr = co === ci ? 'v0' : `${co}(v0)`;
  runMap(engine, `copy:${from}:${dtype}`, [{ view: x, type: ti }], to, x.shape, expr, out);
}

/** A contiguous buffer of `size` copies of `value` (its bits travel in the metadata). */
export function fill(engine: Engine, dtype: DType, size: number, value: number, out: GPUBuffer): void {
  if (size === 0) return;
  const t = wgslType('fill', dtype);
  const bits = new Int32Array(1);
  if (t === 'f32' || t === 'f16') new Float32Array(bits.buffer)[0] = value;
  else bits[0] = dtype === 'bool' ? (value ? 1 : 0) : dtype === 'uint8' ? value & 255 : value | 0;
  const kernel = engine.kernel(`fill:${t}`, () =>
    [
      bindings([{ name: 'out', type: t, access: 'read_write' }]),
      // meta [n, rank 1, n, value bits]: the value sits where mapMain expects an offset
      mapMain(
        ['scalar'],
        () => `    out[i] = ${t === 'f16' ? 'f16(bitcast<f32>(base0))' : `bitcast<${t}>(base0)`};`,
      ),
    ].join('\n'),
  );
  engine.dispatch(kernel, Int32Array.from([size, 1, size, bits[0]!]), [out], Math.ceil(size / RUN));
}

/** Writes `src` element-wise into the strided `dst` view (same shape and dtype). */
export function assign(engine: Engine, dst: StridedView, src: StridedView): void {
  const n = dst.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const t = wgslType('assign', dst.storage.dtype);
  const merged = coalesce(dst.shape, [src, dst]);
  const modes = merged.views.map((view) => readMode(view, merged.shape));
  const kernel = engine.kernel(`assign:${t}:${modes.join(',')}`, () =>
    [
      bindings([
        { name: 'src', type: t, access: 'read' },
        { name: 'dst', type: t, access: 'read_write' },
      ]),
      STRIDED_AT,
      mapMain(modes, (index) => `    dst[${index(1)}] = src[${index(0)}];`),
    ].join('\n'),
  );
  engine.dispatch(
    kernel,
    stridedMeta(merged.shape, merged.views),
    [bufferOf(src), bufferOf(dst)],
    Math.ceil(n / RUN),
  );
}
