import { BackendError, type ConvGeometry, type WindowGeometry } from '@mlblocks/core-tensor';

/**
 * The metadata every window kernel reads from binding 0: the geometry as i32s, then the offsets
 * of the operands (and kernel-specific extras). One layout for convolution and pooling, so the
 * WGSL that names the fields is written once.
 * Layout: [N, C, H, W, Co, Ho, Wo, kh, kw, sh, sw, ph, pw, dh, dw, groups, C/groups, Co/groups, extras…]
 */
export function windowMeta(g: WindowGeometry, conv: Partial<ConvGeometry>, extras: number[]): Int32Array {
  const groups = conv.groups ?? 1;
  const [C, Co] = [conv.inChannels ?? 1, conv.outChannels ?? 1];
  return Int32Array.from([
    conv.batch ?? 1,
    C,
    ...g.input,
    Co,
    ...g.output,
    ...g.kernel,
    ...g.stride,
    ...g.padding,
    ...g.dilation,
    groups,
    C / groups,
    Co / groups,
    ...extras,
  ]);
}

/** Index of the first extra in {@link windowMeta}. */
export const EXTRA = 18;

/** WGSL naming the fields of {@link windowMeta}. */
export const WINDOW_PARAMS = `  let N = params[0];
  let C = params[1];
  let inH = params[2];
  let inW = params[3];
  let Co = params[4];
  let outH = params[5];
  let outW = params[6];
  let KH = params[7];
  let KW = params[8];
  let SH = params[9];
  let SW = params[10];
  let PH = params[11];
  let PW = params[12];
  let DH = params[13];
  let DW = params[14];
  let G = params[15];
  let CG = params[16];
  let COG = params[17];`;

/** `[0, 1, …, n − 1]`: unrolls a register block in generated WGSL. */
export function lanes(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Invocations per workgroup of the window kernels (a few SIMD vectors of a CPU-backed adapter). */
export const WINDOW_GROUP = 32;

/**
 * Entry point of a kernel whose invocations split into a uniform part `u` (the workgroup's y and
 * z: which image, group and block of channels) and a divergent one, `lane` (x: which block of
 * positions). Values computed from `u` alone are the same for every invocation of a workgroup,
 * which lets a CPU-backed adapter load them once per SIMD vector instead of gathering per lane.
 */
export function splitMain(body: string): string {
  return `@compute @workgroup_size(${WINDOW_GROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let lane = i32(wg.x * ${WINDOW_GROUP}u + lid.x);
  let u = i32(wg.y + wg.z * nwg.y);
${WINDOW_PARAMS}
${body}
}`;
}

/** The grid of {@link splitMain}: `lanes` divergent invocations for each of `uniform` workgroup rows. */
export function splitGrid(op: string, laneCount: number, uniform: number): [number, number, number] {
  const x = Math.ceil(laneCount / WINDOW_GROUP);
  if (x > MAX_GROUPS)
    throw new BackendError(op, `${laneCount} position blocks per image exceed one WebGPU grid axis`);
  return [x, Math.min(uniform, MAX_GROUPS), Math.ceil(uniform / MAX_GROUPS)];
}

const MAX_GROUPS = 65535;

/** Entry point of a kernel over `total` flat invocations (a 1-D grid folded past 65,535 groups). */
export function flatMain(body: string): string {
  return `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = i32(gid.x + gid.y * nwg.x * 64u);
${WINDOW_PARAMS}
${body}
}`;
}
