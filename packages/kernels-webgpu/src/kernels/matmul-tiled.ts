import { type ElementType, type Epilogue, epilogueWgsl } from './matmul-epilogue.js';
import { matmulOperands } from './matmul-operands.js';
import { bindings } from './wgsl.js';

/**
 * The matmul kernel for discrete GPUs: a workgroup of 16×16 invocations computes a 64×64 output
 * tile, staging 64×16 slices of A and 16×64 slices of B in workgroup (shared) memory so each
 * value loaded from global memory is reused 64 times; every invocation accumulates a 4×4 block
 * in registers. Same metadata as the register-blocked kernel (shapes, strides, batch offsets).
 * No early return: every invocation must reach the barriers, so bounds are checked per load
 * and per store instead. Each result passes through the epilogue's `finish` (bias, activation).
 */
export const TILED_SPAN = 64;
const TK = 16;

export const tiledSource = (epilogue: Epilogue, t: ElementType = 'f32') => `${bindings([
  { name: 'a', type: t, access: 'read' },
  { name: 'b', type: t, access: 'read' },
  ...(epilogue.bias ? [{ name: 'bias', type: t, access: 'read' } as const] : []),
  { name: 'c', type: t, access: 'read_write' },
])}
${epilogueWgsl(epilogue)}

var<workgroup> As: array<array<f32, ${TILED_SPAN}>, ${TK}>; // [k][row]
var<workgroup> Bs: array<array<f32, ${TILED_SPAN}>, ${TK}>; // [k][col]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
${matmulOperands('wg.z')}
  let tileRow = i32(wg.y) * ${TILED_SPAN};
  let tileCol = i32(wg.x) * ${TILED_SPAN};
  let flat = i32(lid.y * 16u + lid.x);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var t = 0; t < K; t = t + ${TK}) {
    // 256 invocations load 64×16 of A and 16×64 of B, four values each
    for (var l = 0; l < 4; l = l + 1) {
      let e = flat + l * 256;
      let ar = e / ${TK};
      let ak = e % ${TK};
      let gi = tileRow + ar;
      let gk = t + ak;
      As[ak][ar] = select(0.0, f32(a[max(aBase + gi * aRs + gk * aCs, 0)]), gi < M && gk < K);
      let bk = e / ${TILED_SPAN};
      let bc = e % ${TILED_SPAN};
      let gj = tileCol + bc;
      let gk2 = t + bk;
      Bs[bk][bc] = select(0.0, f32(b[max(bBase + gk2 * bRs + gj * bCs, 0)]), gj < N && gk2 < K);
    }
    workgroupBarrier();
    for (var k = 0; k < ${TK}; k = k + 1) {
      let r = i32(lid.y) * 4;
      let q = i32(lid.x) * 4;
      let av = vec4<f32>(As[k][r], As[k][r + 1], As[k][r + 2], As[k][r + 3]);
      let bv = vec4<f32>(Bs[k][q], Bs[k][q + 1], Bs[k][q + 2], Bs[k][q + 3]);
      acc0 = acc0 + av.x * bv;
      acc1 = acc1 + av.y * bv;
      acc2 = acc2 + av.z * bv;
      acc3 = acc3 + av.w * bv;
    }
    workgroupBarrier();
  }
  let cBase = i32(wg.z) * M * N;
  let j0 = tileCol + i32(lid.x) * 4;
  let rows = array<vec4<f32>, 4>(finish(acc0, j0, N), finish(acc1, j0, N), finish(acc2, j0, N), finish(acc3, j0, N));
  for (var r = 0; r < 4; r = r + 1) {
    let i = tileRow + i32(lid.y) * 4 + r;
    for (var q = 0; q < 4; q = q + 1) {
      let j = tileCol + i32(lid.x) * 4 + q;
      if (i < M && j < N) { c[cBase + i * N + j] = ${t}(rows[r][q]); }
    }
  }
}`;
