import { CpuBackend, type DType, type Storage, type StridedView } from '@mlblocks/core-tensor';
import type { WasmBackend } from '../backend.js';
import type { WasmStorage } from '../storage.js';

/**
 * The dtypes and ops without a wasm kernel (float64 everywhere; int32/uint8/bool arithmetic,
 * casts and reductions) run the CPU reference kernels: operands are copied out of wasm memory,
 * the CPU backend computes, and the result is copied back. Exact CPU semantics (int32 wrap,
 * truncating casts, float64 precision) at the price of two copies; the float32 paths that a
 * model spends its time in never come here.
 */
export class Fallback {
  readonly cpu = new CpuBackend('wasm-fallback');

  constructor(private readonly backend: WasmBackend) {}

  /** Runs `f` on CPU copies of `views`, returns its result moved into wasm memory. */
  run(views: readonly StridedView[], f: (cpu: CpuBackend, views: StridedView[]) => Storage): WasmStorage {
    const temps: Storage[] = [];
    const cpuViews = views.map((v) => {
      const s = this.cpu.upload(v.storage.dtype, this.backend.typedView(v.storage as WasmStorage));
      temps.push(s);
      return { storage: s, shape: v.shape, strides: v.strides, offset: v.offset };
    });
    try {
      const result = f(this.cpu, cpuViews);
      const out = this.backend.upload(result.dtype as DType, this.cpu.readSync(result));
      this.cpu.free(result);
      return out;
    } finally {
      for (const t of temps) this.cpu.free(t);
    }
  }
}
