import type { Backend, Storage, StridedView } from '../backend/backend.js';
import type { DType, TypedArray } from '../dtype.js';

/** CPU storage: a typed array on the JS heap. */
export class CpuStorage implements Storage {
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    readonly data: TypedArray,
  ) {}

  get size(): number {
    return this.data.length;
  }
}

/** The typed array behind a view's storage (views handed to the CPU backend hold CpuStorage). */
export function dataOf(view: StridedView): TypedArray {
  return (view.storage as CpuStorage).data;
}
