import type { DType } from '@mlblocks/core-tensor';
import { Allocator } from './allocator.js';
import { HEAP_BASE, type KernelExports } from './module.js';
import type { WasmMemory } from './wasm-types.js';

/** log2 of the element size of each dtype (the kernels' `shift` argument). */
export function shiftOf(dtype: DType): number {
  return dtype === 'float64' ? 3 : dtype === 'float32' || dtype === 'int32' ? 2 : 0;
}

/** Bytes of the per-call metadata area (shape, strides, odometer counters) kernels read. */
const META_BYTES = 8192;

/**
 * The wasm memory as the host sees it: the allocator, cached typed-array views (recreated when the
 * memory grows — `memory.buffer` on shared memory costs ~50 ns, too much per call), and the
 * small fixed areas the kernels use for metadata.
 */
export class Heap {
  readonly allocator: Allocator;
  u8!: Uint8Array;
  i32!: Int32Array;
  f32!: Float32Array;
  f64!: Float64Array;
  /** Shape/strides/counters for strided kernels (int32). */
  readonly meta: number;
  /** Per-operand running offsets for strided kernels (4 × int32). */
  readonly offs: number;

  constructor(
    readonly memory: WasmMemory,
    readonly kernels: KernelExports,
  ) {
    this.allocator = new Allocator(memory, HEAP_BASE);
    this.allocator.onGrow = () => this.refresh();
    this.refresh();
    this.meta = this.allocator.alloc(META_BYTES);
    this.offs = this.allocator.alloc(64);
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /** A typed-array view of `size` elements of `dtype` at `ptr` (valid until the memory grows). */
  view(dtype: DType, ptr: number, size: number): Float64Array | Float32Array | Int32Array | Uint8Array {
    const buffer = this.u8.buffer;
    switch (dtype) {
      case 'float64':
        return new Float64Array(buffer, ptr, size);
      case 'float32':
        return new Float32Array(buffer, ptr, size);
      case 'int32':
        return new Int32Array(buffer, ptr, size);
      default:
        return new Uint8Array(buffer, ptr, size);
    }
  }

  /**
   * Writes `shape` and each operand's strides (after merging collapsible axes and dropping size-1
   * axes) into the metadata area; returns the collapsed rank (≥ 1).
   */
  writeMeta(shape: readonly number[], stridesList: readonly (readonly number[])[]): number {
    const dims: number[] = [];
    const strides: number[][] = stridesList.map(() => []);
    for (let axis = 0; axis < shape.length; axis++) {
      const d = shape[axis]!;
      if (d === 1) continue;
      const last = dims.length - 1;
      if (last >= 0 && stridesList.every((s, k) => strides[k]![last] === s[axis]! * d)) {
        dims[last]! *= d;
        for (let k = 0; k < stridesList.length; k++) strides[k]![last] = stridesList[k]![axis]!;
      } else {
        dims.push(d);
        for (let k = 0; k < stridesList.length; k++) strides[k]!.push(stridesList[k]![axis]!);
      }
    }
    if (dims.length === 0) {
      dims.push(1);
      for (const s of strides) s.push(0);
    }
    const rank = dims.length;
    if (rank * (stridesList.length + 2) * 4 > META_BYTES)
      throw new Error(`kernels-wasm: rank ${rank} too large`);
    const i32 = this.i32;
    let p = this.meta >> 2;
    for (const d of dims) i32[p++] = d;
    for (const s of strides) for (const v of s) i32[p++] = v;
    return rank;
  }
}
