// NOTE: the public declarations name these instead of WebAssembly.Memory / WebAssembly.Module, whose
// types only exist in the DOM lib: a Node user compiling with `lib: ["es2022"]` must not need it
// (issue #14). The real objects satisfy them.

/** The part of a `WebAssembly.Memory` this package uses. */
export interface WasmMemory {
  /** The memory's bytes (a SharedArrayBuffer when the memory is shared). */
  readonly buffer: ArrayBufferLike;
  /** Grows the memory by `delta` 64 KiB pages; returns the previous size in pages. */
  grow(delta: number): number;
}

/** A compiled `WebAssembly.Module`, passed around unopened. */
export type WasmModule = object;
