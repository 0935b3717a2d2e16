import { type AdamStepOptions, type SgdStepOptions, type StridedView, sizeOf } from '@mlblocks/core-tensor';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { bindings, mainRuns, RUN } from './wgsl.js';

/**
 * The fused optimizer steps: each invocation reads RUN consecutive elements of the parameter, its
 * gradient and the optimizer's running buffers and writes their new values — one dispatch per
 * parameter and step instead of the dozen element-wise ones the composition takes (core-tensor's
 * adamStep/sgdStep, the reference, in the same order of operations). Hyperparameters travel in
 * the meta as float32 bits, read once per invocation; `1 − β` and the like are computed on the
 * host, as the composition does.
 */

// meta: [n, offsets of the inputs…, then the hyperparameters' float32 bits]
function meta(n: number, views: StridedView[], values: number[]): Int32Array {
  const floats = new Int32Array(new Float32Array(values).buffer);
  return Int32Array.from([n, ...views.map((v) => v.offset), ...floats]);
}

const f = (k: number) => `bitcast<f32>(params[${k}])`;

const ADAM = `${bindings([
  { name: 'param', type: 'f32', access: 'read' },
  { name: 'grad', type: 'f32', access: 'read' },
  { name: 'expAvg', type: 'f32', access: 'read' },
  { name: 'expAvgSq', type: 'f32', access: 'read' },
  { name: 'paramOut', type: 'f32', access: 'read_write' },
  { name: 'expAvgOut', type: 'f32', access: 'read_write' },
  { name: 'expAvgSqOut', type: 'f32', access: 'read_write' },
])}
${mainRuns(
  `  let po = u32(params[1]);
  let go = u32(params[2]);
  let mo = u32(params[3]);
  let vo = u32(params[4]);
  // beta1, 1 − beta1, beta2, 1 − beta2, eps, stepSize, bias2Sqrt, weightDecay, paramScale
  let beta1 = ${f(5)};
  let oneMinusBeta1 = ${f(6)};
  let beta2 = ${f(7)};
  let oneMinusBeta2 = ${f(8)};
  let eps = ${f(9)};
  let stepSize = ${f(10)};
  let bias2Sqrt = ${f(11)};
  let weightDecay = ${f(12)};
  let paramScale = ${f(13)};`,
  `    let p = param[po + i];
    var g = grad[go + i];
    if (weightDecay != 0.0) { g = g + p * weightDecay; }
    var scaled = p;
    if (paramScale != 1.0) { scaled = p * paramScale; }
    let m = expAvg[mo + i] * beta1 + g * oneMinusBeta1;
    let v = expAvgSq[vo + i] * beta2 + (g * g) * oneMinusBeta2;
    let denom = sqrt(v) / bias2Sqrt + eps;
    paramOut[i] = scaled - (m / denom) * stepSize;
    expAvgOut[i] = m;
    expAvgSqOut[i] = v;`,
)}`;

/** Adam/AdamW: `[param′, expAvg′, expAvgSq′]` into the three output buffers. */
export function adamUpdate(
  engine: Engine,
  views: [StridedView, StridedView, StridedView, StridedView],
  h: AdamStepOptions,
  out: [GPUBuffer, GPUBuffer, GPUBuffer],
): void {
  const n = sizeOf(views[0].shape);
  if (n === 0) return;
  const hyper = [
    h.beta1,
    1 - h.beta1,
    h.beta2,
    1 - h.beta2,
    h.eps,
    h.stepSize,
    h.bias2Sqrt,
    h.weightDecay,
    h.paramScale,
  ];
  engine.dispatch(
    engine.kernel('adamUpdate', () => ADAM),
    meta(n, views, hyper),
    [...views.map(bufferOf), ...out],
    Math.ceil(n / RUN),
  );
}

/** The SGD kernel: plain, momentum from a first step (the buffer starts as g), or momentum. */
type SgdVariant = 'plain' | 'first' | 'momentum';

const sgdSource = (variant: SgdVariant) => `${bindings([
  { name: 'param', type: 'f32', access: 'read' },
  { name: 'grad', type: 'f32', access: 'read' },
  ...(variant === 'momentum' ? [{ name: 'buffer', type: 'f32' as const, access: 'read' as const }] : []),
  { name: 'paramOut', type: 'f32', access: 'read_write' },
  ...(variant === 'plain'
    ? []
    : [{ name: 'bufferOut', type: 'f32' as const, access: 'read_write' as const }]),
])}
${mainRuns(
  `  let po = u32(params[1]);
  let go = u32(params[2]);
  let bo = u32(params[3]);
  // lr, momentum, 1 − dampening, weightDecay, nesterov (1.0 or 0.0)
  let lr = ${f(4)};
  let momentum = ${f(5)};
  let oneMinusDampening = ${f(6)};
  let weightDecay = ${f(7)};
  let nesterov = ${f(8)};`,
  `    let p = param[po + i];
    var g = grad[go + i];
    if (weightDecay != 0.0) { g = g + p * weightDecay; }
${
  variant === 'plain'
    ? ''
    : `    let b = ${variant === 'first' ? 'g' : 'buffer[bo + i] * momentum + g * oneMinusDampening'};
    bufferOut[i] = b;
    if (nesterov != 0.0) { g = g + b * momentum; } else { g = b; }`
}
    paramOut[i] = p - g * lr;`,
)}`;

/** SGD: `param′` (and `buffer′` with momentum) into the output buffers. */
export function sgdUpdate(
  engine: Engine,
  param: StridedView,
  grad: StridedView,
  buffer: StridedView | null,
  h: SgdStepOptions,
  out: [GPUBuffer, GPUBuffer | null],
): void {
  const n = sizeOf(param.shape);
  if (n === 0) return;
  const variant: SgdVariant = h.momentum === 0 ? 'plain' : buffer ? 'momentum' : 'first';
  // offsets: param, grad, buffer (0 when absent), so the hyperparameters start at 4 in every variant
  const views = [param, grad, buffer ?? param];
  const hyper = [h.lr, h.momentum, 1 - h.dampening, h.weightDecay, h.nesterov ? 1 : 0];
  const inputs = [bufferOf(param), bufferOf(grad), ...(variant === 'momentum' ? [bufferOf(buffer!)] : [])];
  const outputs = [out[0], ...(variant === 'plain' ? [] : [out[1]!])];
  engine.dispatch(
    engine.kernel(`sgdUpdate:${variant}`, () => sgdSource(variant)),
    meta(n, views, hyper),
    [...inputs, ...outputs],
    Math.ceil(n / RUN),
  );
}

/** The optimizer kernels by cache key, for compiling them ahead (see fused-kernels.ts). */
export const ADAM_KERNELS: readonly [string, () => string][] = [['adamUpdate', () => ADAM]];
export const SGD_KERNELS: readonly [string, () => string][] = (['plain', 'first', 'momentum'] as const).map(
  (v) => [`sgdUpdate:${v}`, () => sgdSource(v)],
);
