import type { Engine } from './engine.js';

/**
 * Whether every subgroup of an 8 × 8 workgroup is one of its rows — 8 lanes, lane = x, one y — on
 * this device: what the matmul's row broadcasts assume (`engine.matmulShuffle = 8`). WGSL promises
 * nothing about how invocations form subgroups, so the backend asks the device once instead of
 * trusting the adapter's name. False where the kernel cannot even compile (no subgroups).
 */
export async function subgroupsAreRowsOf8(engine: Engine): Promise<boolean> {
  const code = () => `enable subgroups;
@group(0) @binding(0) var<storage, read> params: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let row = subgroupBroadcast(lid.y, 0u);
  let same = subgroupAll(row == lid.y); // in uniform control flow, before any short-circuit
  let ok = same && size == 8u && lane == lid.x;
  out[li] = select(0u, 1u, ok) + u32(params[0]);
}`;
  if ((await engine.precompile('probe:subgroup-rows', code)) !== null) return false;
  const out = engine.allocate(64 * 4);
  try {
    engine.dispatch(engine.kernel('probe:subgroup-rows', code), new Int32Array(1), [out], [1, 1, 1]);
    const flags = new Uint32Array(await engine.read('probe', out, 64 * 4));
    return flags.every((f) => f === 1);
  } catch {
    return false;
  } finally {
    engine.pool.release(out);
  }
}
