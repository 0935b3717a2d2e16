import type { StridedView } from '@mlblocks/core-tensor';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { rowGrid, rowMain, subgroupsDirective, sumOf, THREADS, treeReduce } from './reduce.js';
import { bindings } from './wgsl.js';

/**
 * Fused softmax cross-entropy: one workgroup per row of `[N, C]` logits finds the row's maximum
 * and log Σ exp around it (shared-memory trees, as softmax does) and writes the loss, the maximum
 * and the log-sum — no probability matrix. The backward writes softmax − one-hot, scaled, in one
 * pass from those two numbers per row. A label outside [0, C) gives a NaN row (the caller names
 * it where it can read labels back; a GPU kernel cannot throw).
 * Meta: [N, C, logits offset, labels offset (, max, logSum, scale offsets)].
 */

const forwardKey = (sg: boolean) => `softmaxCrossEntropy${sg ? ':sg' : ''}`;

const forward = (sg: boolean) => `${subgroupsDirective(sg)}
${bindings([
  { name: 'z', type: 'f32', access: 'read' },
  { name: 'y', type: 'i32', access: 'read' },
  { name: 'loss', type: 'f32', access: 'read_write' },
  { name: 'rowMax', type: 'f32', access: 'read_write' },
  { name: 'rowLogSum', type: 'f32', access: 'read_write' },
])}
var<workgroup> sv: array<f32, ${THREADS}>;
${rowMain(
  `  var m = z[base];
  for (var j = t; j < n; j = j + ${THREADS}u) { m = max(m, z[base + j]); }
  sv[t] = m;
${treeReduce('max(sv[t], sv[t + s])')}
  let mx = sv[0];
  workgroupBarrier();
  var part = 0.0;
  for (var j = t; j < n; j = j + ${THREADS}u) { part = part + exp(z[base + j] - mx); }
${sumOf('total', 'part', 'f32', sg)}
  if (t == 0u) {
    let logSum = log(total);
    let label = y[u32(params[3]) + row];
    var picked = bitcast<f32>(0x7fc00000u + u32(min(n, 0u)));
    if (label >= 0 && u32(label) < n) { picked = z[base + u32(label)]; }
    // (max − picked) first: exact for huge logits, where the log-sum is far below their ulp
    loss[row] = (mx - picked) + logSum;
    rowMax[row] = mx;
    rowLogSum[row] = logSum;
  }`,
  sg,
)}`;

const BACKWARD = `${bindings([
  { name: 'z', type: 'f32', access: 'read' },
  { name: 'y', type: 'i32', access: 'read' },
  { name: 'rowMax', type: 'f32', access: 'read' },
  { name: 'rowLogSum', type: 'f32', access: 'read' },
  { name: 'scale', type: 'f32', access: 'read' },
  { name: 'grad', type: 'f32', access: 'read_write' },
])}
${rowMain(`  let m = rowMax[u32(params[4]) + row];
  let l = rowLogSum[u32(params[5]) + row];
  let s = scale[u32(params[6]) + row];
  let label = y[u32(params[3]) + row];
  let out = row * n;
  for (var j = t; j < n; j = j + ${THREADS}u) {
    grad[out + j] = exp((z[base + j] - m) - l) * s - select(0.0, s, i32(j) == label);
  }`)}`;

/** Loss, max and log-sum `[N]` of `logits` `[N, C]` against int32 `labels` `[N]`. */
export function softmaxCrossEntropy(
  engine: Engine,
  logits: StridedView,
  labels: StridedView,
  loss: GPUBuffer,
  max: GPUBuffer,
  logSum: GPUBuffer,
): void {
  const [N, C] = logits.shape as [number, number];
  if (N === 0) return;
  engine.dispatch(
    engine.kernel(forwardKey(engine.subgroups), () => forward(engine.subgroups)),
    Int32Array.from([N, C, logits.offset, labels.offset]),
    [bufferOf(logits), bufferOf(labels), loss, max, logSum],
    rowGrid(N),
  );
}

/** (softmax(logits) − onehot(labels)) · scale into `grad` `[N, C]`, from the rows' max and log-sum. */
export function softmaxCrossEntropyGrad(
  engine: Engine,
  logits: StridedView,
  labels: StridedView,
  max: StridedView,
  logSum: StridedView,
  scale: StridedView,
  grad: GPUBuffer,
): void {
  const [N, C] = logits.shape as [number, number];
  if (N === 0 || C === 0) return;
  engine.dispatch(
    engine.kernel('softmaxCrossEntropyGrad', () => BACKWARD),
    Int32Array.from([N, C, logits.offset, labels.offset, max.offset, logSum.offset, scale.offset]),
    [bufferOf(logits), bufferOf(labels), bufferOf(max), bufferOf(logSum), bufferOf(scale), grad],
    rowGrid(N),
  );
}

/** The fused cross-entropy kernels by cache key, for compiling them ahead (see fused-kernels.ts). */
export function crossEntropyKernels(subgroups: boolean): readonly (readonly [string, () => string])[] {
  return [
    [forwardKey(subgroups), () => forward(subgroups)],
    ['softmaxCrossEntropyGrad', () => BACKWARD],
  ];
}
