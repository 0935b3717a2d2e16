import { type AdamStepOptions, type SgdStepOptions, type StridedView, sizeOf } from '@mlblocks/core-tensor';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { bindings, main1d } from './wgsl.js';

/**
 * The fused optimizer steps: one invocation per parameter element reads the parameter, its
 * gradient and the optimizer's running buffers and writes their new values — one dispatch per
 * parameter and step instead of the dozen element-wise ones the composition takes (core-tensor's
 * adamStep/sgdStep, the reference, in the same order of operations). Hyperparameters travel in
 * the meta as float32 bits; `1 − β` and the like are computed on the host, as the composition does.
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
${main1d(
  'u32(params[0])',
  `  let p = param[u32(params[1]) + i];
  var g = grad[u32(params[2]) + i];
  // beta1, 1 − beta1, beta2, 1 − beta2, eps, stepSize, bias2Sqrt, weightDecay, paramScale
  if (${f(12)} != 0.0) { g = g + p * ${f(12)}; }
  var scaled = p;
  if (${f(13)} != 1.0) { scaled = p * ${f(13)}; }
  let m = expAvg[u32(params[3]) + i] * ${f(5)} + g * ${f(6)};
  let v = expAvgSq[u32(params[4]) + i] * ${f(7)} + (g * g) * ${f(8)};
  let denom = sqrt(v) / ${f(11)} + ${f(9)};
  paramOut[i] = scaled - (m / denom) * ${f(10)};
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
    n,
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
${main1d(
  'u32(params[0])',
  `  // lr, momentum, 1 − dampening, weightDecay, nesterov (1.0 or 0.0)
  let p = param[u32(params[1]) + i];
  var g = grad[u32(params[2]) + i];
  if (${f(7)} != 0.0) { g = g + p * ${f(7)}; }
${
  variant === 'plain'
    ? ''
    : `  let b = ${variant === 'first' ? 'g' : `buffer[u32(params[3]) + i] * ${f(5)} + g * ${f(6)}`};
  bufferOut[i] = b;
  if (${f(8)} != 0.0) { g = g + b * ${f(5)}; } else { g = b; }`
}
  paramOut[i] = p - g * ${f(4)};`,
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
    n,
  );
}

/** The optimizer kernels by cache key, for compiling them ahead (see fused-kernels.ts). */
export const ADAM_KERNELS: readonly [string, () => string][] = [['adamUpdate', () => ADAM]];
export const SGD_KERNELS: readonly [string, () => string][] = (['plain', 'first', 'momentum'] as const).map(
  (v) => [`sgdUpdate:${v}`, () => sgdSource(v)],
);
