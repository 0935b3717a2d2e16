import type { Backend, DType, Storage, StridedView } from '@mlblocks/core-tensor';

/** A storage of the WebGPU backend: `size` elements of `dtype` in a GPU buffer of 32-bit words. */
export class GpuStorage implements Storage {
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    readonly size: number,
    readonly buffer: GPUBuffer,
  ) {}
}

/** The GPU buffer behind a view handed to this backend (its storage is a GpuStorage). */
export function bufferOf(view: StridedView): GPUBuffer {
  return (view.storage as GpuStorage).buffer;
}
