import { BackendError, type DType, type TypedArray } from '@mlblocks/core-tensor';

/**
 * How each dtype lives in GPU memory. WGSL has no 8-bit storage type and no f64, so uint8 and bool
 * are widened to one u32 per element (converted on upload and readback) and float64 is refused.
 */
export type WgslType = 'f32' | 'i32' | 'u32';

export function wgslType(op: string, dtype: DType): WgslType {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'uint8':
    case 'bool':
      return 'u32';
    default:
      throw new BackendError(
        op,
        `the WebGPU backend has no ${dtype} (WGSL has no 64-bit floats); use float32, or the CPU backend for float64`,
      );
  }
}

/** Bytes per element on the GPU (always 4). */
export const GPU_ELEMENT_BYTES = 4;

/** Host data → the 32-bit words the GPU stores. */
export function toGpuWords(dtype: DType, data: TypedArray): Float32Array | Int32Array | Uint32Array {
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'int32') return data instanceof Int32Array ? data : Int32Array.from(data);
  if (dtype === 'bool') return Uint32Array.from(data, (v) => (v ? 1 : 0));
  return Uint32Array.from(data);
}

/** 32-bit words read back → the typed array core-tensor expects for `dtype`. */
export function fromGpuWords(dtype: DType, words: ArrayBuffer, size: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(words, 0, size).slice();
  if (dtype === 'int32') return new Int32Array(words, 0, size).slice();
  return Uint8Array.from(new Uint32Array(words, 0, size));
}
