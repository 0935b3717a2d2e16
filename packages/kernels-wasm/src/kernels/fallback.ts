import {
  CpuBackend,
  type DType,
  type Storage,
  type StridedView,
  type TypedArray,
} from '@mlblocks/core-tensor';
import type { Heap } from '../engine/heap.js';
import type { WasmStorage } from '../storage.js';

/**
 * The dtypes and ops without a wasm kernel (float64 everywhere; int32/uint8/bool arithmetic,
 * casts and reductions; ops the kernel table marks 'cpu') run the CPU reference kernels: operands
 * are copied out of wasm memory, the CPU backend computes, and the backend copies the result back
 * in. Exact CPU semantics (int32 wrap, truncating casts, float64 precision) at the price of two
 * copies; the float32 paths that a model spends its time in never come here.
 */
export class Fallback {
  private readonly cpu = new CpuBackend('wasm-fallback');

  constructor(private readonly heap: Heap) {}

  /** Runs `f` on CPU copies of `views`; returns each result's dtype and elements. */
  run(
    views: readonly StridedView[],
    f: (cpu: CpuBackend, views: StridedView[]) => Storage | readonly Storage[],
  ): { dtype: DType; data: TypedArray }[] {
    const temps: Storage[] = [];
    const cpuViews = views.map((v) => {
      const s = v.storage as WasmStorage;
      const copy = this.cpu.upload(s.dtype, this.heap.view(s.dtype, s.ptr, s.size));
      temps.push(copy);
      return { storage: copy, shape: v.shape, strides: v.strides, offset: v.offset };
    });
    try {
      const out = f(this.cpu, cpuViews);
      return (Array.isArray(out) ? out : [out]).map((result: Storage) => {
        const data = this.cpu.readSync(result);
        this.cpu.free(result);
        return { dtype: result.dtype, data };
      });
    } finally {
      for (const t of temps) this.cpu.free(t);
    }
  }
}
