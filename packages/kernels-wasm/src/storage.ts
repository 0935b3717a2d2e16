import type { Backend, DType, Storage, StridedView } from '@mlblocks/core-tensor';
import { shiftOf } from './engine/heap.js';

/** A block of the backend's wasm memory: `size` elements of `dtype` at byte address `ptr`. */
export class WasmStorage implements Storage {
  /** False once freed (a second free is ignored rather than corrupting the free lists). */
  live = true;

  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    readonly size: number,
    readonly ptr: number,
    /** Bytes actually reserved (the allocator's size class). */
    readonly block: number,
  ) {}
}

/** Byte address of element [0, …, 0] of a view. */
export function addressOf(view: StridedView): number {
  return (view.storage as WasmStorage).ptr + view.offset * 2 ** shiftOf(view.storage.dtype);
}
