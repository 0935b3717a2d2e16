/**
 * @mlblocks/kernels-wasm — the WebAssembly SIMD backend of mlblocks.
 * This file is the package's only public door.
 */
export { WasmBackend, type WasmBackendInfo } from './backend.js';
export { createWasmBackend, type WasmBackendOptions } from './create.js';
export { relaxedSimdSupported, sharedMemorySupported } from './engine/module.js';
export { WasmStorage } from './storage.js';
