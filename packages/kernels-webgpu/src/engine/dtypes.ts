import {
  BackendError,
  type DType,
  fromFloat16Bits,
  type TypedArray,
  toFloat16Bits,
} from '@mlblocks/core-tensor';

/**
 * How each dtype lives in GPU memory. WGSL has no 8-bit storage type and no f64, so uint8 and bool
 * are widened to one u32 per element (converted on upload and readback) and float64 is refused.
 * float16 is WGSL's f16 (the `shader-f16` feature), two bytes per element; kernels compute on it
 * in f32 and round once when they store.
 */
export type WgslType = 'f32' | 'f16' | 'i32' | 'u32';

export function wgslType(op: string, dtype: DType): WgslType {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'float16':
      return 'f16';
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

/** The type a kernel computes a storage type in: f16 values are widened to f32. */
export function computeType(t: WgslType): Exclude<WgslType, 'f16'> {
  return t === 'f16' ? 'f32' : t;
}

/** Bytes a storage of `size` elements takes on the GPU: 4 per element, float16 2 (whole words). */
export function gpuBytes(dtype: DType, size: number): number {
  return dtype === 'float16' ? Math.ceil(size / 2) * 4 : size * 4;
}

/** Host data → the words the GPU stores. */
export function toGpuWords(dtype: DType, data: TypedArray): ArrayBufferView {
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'float16') {
    const bits = new Uint16Array(Math.ceil(data.length / 2) * 2); // whole 4-byte words
    for (let i = 0; i < data.length; i++) bits[i] = toFloat16Bits(data[i]!);
    return bits;
  }
  if (dtype === 'int32') return data instanceof Int32Array ? data : Int32Array.from(data);
  if (dtype === 'bool') return Uint32Array.from(data, (v) => (v ? 1 : 0));
  return Uint32Array.from(data);
}

/** Words read back → the typed array core-tensor expects for `dtype`. */
export function fromGpuWords(dtype: DType, words: ArrayBuffer, size: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(words, 0, size).slice();
  if (dtype === 'float16') return Float32Array.from(new Uint16Array(words, 0, size), fromFloat16Bits);
  if (dtype === 'int32') return new Int32Array(words, 0, size).slice();
  return Uint8Array.from(new Uint32Array(words, 0, size));
}
