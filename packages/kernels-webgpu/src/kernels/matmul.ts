import type { FusedActivation, StridedView } from '@mlblocks/core-tensor';
import type { Engine } from '../engine/engine.js';
import { bufferOf } from '../storage.js';
import { type ElementType, type Epilogue, epilogueKey, epilogueWgsl } from './matmul-epilogue.js';
import { matmulOperands } from './matmul-operands.js';
import { TILED_SPAN, tiledSource } from './matmul-tiled.js';
import { bindings } from './wgsl.js';

/**
 * Batched matrix product `[..., M, K] @ [..., K, N]`, operands read through their strides
 * (a transposed view costs nothing). Two kernels, switchable per adapter (`engine.matmulKernel`):
 * the shared-memory tiled one (matmul-tiled.ts), and this register-blocked one, the default: each
 * invocation keeps a block of `engine.matmulRows` × 4 outputs in registers (rows per adapter: see
 * tuning.ts) and streams A's rows and B's columns — what runs best on CPU-backed adapters
 * (lavapipe runs invocations as SIMD lanes; workgroup barriers are expensive there). A workgroup
 * of 8×8 invocations covers an (8·rows)×32 output tile; the grid's z axis is the batch. Both
 * kernels can finish each result with a bias and an activation (matmul-epilogue.ts).

 * Metadata layout: see matmul-operands.ts.
 */
const TILE = 8;
const BLOCK = 4;

export const registerSource = (
  vec4B: boolean,
  rows: number,
  epilogue: Epilogue,
  cols = BLOCK,
  t: ElementType = 'f32',
  shuffle = 0,
) => {
  const halves = cols / 4; // vec4 accumulators per row
  const R = Array.from({ length: rows }, (_, r) => r);
  const H = Array.from({ length: halves }, (_, h) => h);
  const bLoad = (h: number) =>
    vec4B
      ? `vec4<f32>(b[(bBase + bk + ${h === 0 && !shuffle ? 'col0' : `min(col0 + ${4 * h}, N - 4)`}) >> 2u])`
      : `vec4<f32>(${[0, 1, 2, 3].map((q) => `f32(b[bc[${4 * h + q}] + bk])`).join(', ')})`;
  return `${bindings([
    { name: 'a', type: t, access: 'read' },
    { name: 'b', type: vec4B ? `vec4<${t}>` : t, access: 'read' },
    ...(epilogue.bias ? [{ name: 'bias', type: t, access: 'read' } as const] : []),
    { name: 'c', type: t, access: 'read_write' },
  ])}
${epilogueWgsl(epilogue)}

${shuffle ? 'enable subgroups;' : ''}
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>${shuffle ? ', @builtin(subgroup_invocation_id) sgLane: u32' : ''}) {
${matmulOperands('gid.z')}
  let row0 = i32(gid.y) * ${rows};
  let col0 = i32(gid.x) * ${cols};
  ${shuffle ? '// no early return: the subgroup broadcasts need every lane' : 'if (row0 >= M || col0 >= N) { return; }'}
  // clamp edge rows/columns to valid ones: their results are computed but never stored
  var ar: array<i32, ${rows}>;
  var bc: array<i32, ${cols}>;
  for (var r = 0; r < ${rows}; r = r + 1) { ar[r] = aBase + min(row0 + r, M - 1) * aRs; }
  for (var q = 0; q < ${cols}; q = q + 1) { bc[q] = bBase + min(col0 + q, N - 1) * bCs; }
${R.flatMap((r) => H.map((h) => `  var acc${r}_${h} = vec4<f32>(0.0);`)).join('\n')}
  for (var k = 0; k < K; k = k + 1) {
    let bk = k * bRs;
${H.map((h) => `    let bv${h} = ${bLoad(h)};`).join('\n')}
    let ak = k * aCs;
${
  shuffle
    ? Array.from(
        { length: rows / shuffle },
        (_, g) =>
          `    let as${g} = f32(a[aBase + min(row0 + ${g * shuffle} + i32(sgLane), M - 1) * aRs + ak]);`,
      ).join('\n')
    : ''
}
${R.map((r) => `    let a${r} = ${shuffle ? `subgroupBroadcast(as${Math.floor(r / shuffle)}, ${r % shuffle}u)` : `f32(a[ar[${r}] + ak])`};\n${H.map((h) => `    acc${r}_${h} = acc${r}_${h} + a${r} * bv${h};`).join('\n')}`).join('\n')}
  }
  let cBase = i32(gid.z) * M * N;
  let rows = array<vec4<f32>, ${rows * halves}>(${R.flatMap((r) => H.map((h) => `finish(acc${r}_${h}, col0 + ${4 * h}, N)`)).join(', ')});
  for (var r = 0; r < ${rows}; r = r + 1) {
    let i = row0 + r;
    if (i >= M) { break; }
    for (var q = 0; q < ${cols}; q = q + 1) {
      let j = col0 + q;
      if (j < N) { c[cBase + i * N + j] = ${t}(rows[r * ${halves} + q / 4][q % 4]); }
    }
  }
}`;
};

/**
 * `a @ b` into `out`, each result finished by adding `bias` `[N]` (read through its view) and
 * applying `activation` — the plain product by default.
 */
export function matmul(
  engine: Engine,
  a: StridedView,
  b: StridedView,
  out: GPUBuffer,
  bias: StridedView | null = null,
  activation: FusedActivation = 'none',
): void {
  const epilogue: Epilogue = { bias: bias !== null, activation };
  const t: ElementType = a.storage.dtype === 'float16' ? 'f16' : 'f32';
  const rank = a.shape.length;
  const [M, K] = [a.shape[rank - 2]!, a.shape[rank - 1]!];
  const N = b.shape[rank - 1]!;
  const batchShape = a.shape.slice(0, rank - 2);
  const batches = batchShape.reduce((x, y) => x * y, 1);
  if (M === 0 || N === 0 || batches === 0) return;
  const meta = Int32Array.from([
    M,
    N,
    K,
    a.offset,
    b.offset,
    a.strides[rank - 2]!,
    a.strides[rank - 1]!,
    b.strides[rank - 2]!,
    b.strides[rank - 1]!,
    batchShape.length,
    ...batchShape,
    ...a.strides.slice(0, rank - 2),
    ...b.strides.slice(0, rank - 2),
    ...(bias ? [bias.offset, bias.strides[0]!] : []),
  ]);
  const buffers = [bufferOf(a), bufferOf(b), ...(bias ? [bufferOf(bias)] : []), out];
  const suffix = epilogueKey(epilogue);
  if (engine.matmulKernel === 'tiled') {
    const kernel = engine.kernel(`matmul:${t}:tiled${suffix}`, () => tiledSource(epilogue, t));
    const grid: [number, number, number] = [Math.ceil(N / TILED_SPAN), Math.ceil(M / TILED_SPAN), batches];
    engine.dispatch(kernel, meta, buffers, grid);
    return;
  }
  const rowsPer = engine.matmulRows;
  // rows of B that are contiguous and 16-byte aligned are read as vec4s: one load instead of four
  const bStrides = [...b.strides.slice(0, rank - 2), b.strides[rank - 2]!, b.offset];
  const vec4B =
    engine.matmulVec4 && b.strides[rank - 1] === 1 && N % 4 === 0 && bStrides.every((v) => v % 4 === 0);
  const cols = engine.matmulCols;
  // row broadcasts need whole subgroups of rows: off when the block's rows are not a multiple
  const shuffle = engine.matmulShuffle > 0 && rowsPer % engine.matmulShuffle === 0 ? engine.matmulShuffle : 0;
  const kernel = engine.kernel(
    `matmul:${t}:${vec4B ? 'vec4' : 'scalar'}:${rowsPer}x${cols}${shuffle ? `:sg${shuffle}` : ''}${suffix}`,
    () => registerSource(vec4B, rowsPer, epilogue, cols, t, shuffle),
  );
  engine.dispatch(kernel, meta, buffers, [
    Math.ceil(N / (TILE * cols)),
    Math.ceil(M / (TILE * rowsPer)),
    batches,
  ]);
}

/**
 * A matmul with every part of the epilogue (bias, and tanh: the one activation with a helper),
 * compiled ahead as the fused group's witness: the other epilogues differ only in one expression,
 * and the activation gradients are plain map kernels (see fused-kernels.ts).
 */
export const EPILOGUE_KERNELS: readonly [string, () => string][] = [
  ['matmul:f32:scalar:4:bias:tanh', () => registerSource(false, 4, { bias: true, activation: 'tanh' })],
];
