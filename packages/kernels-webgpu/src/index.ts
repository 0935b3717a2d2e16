/**
 * @mlblocks/kernels-webgpu — the WGSL compute backend. This file is the public door for
 * browsers and Node; Node's Dawn loader lives in `@mlblocks/kernels-webgpu/node`.
 */
export { type AutoSelectOptions, isSoftwareAdapter, useWebGPUIfAvailable } from './adapter.js';
export { type MemoryStats, WebGPUBackend } from './backend.js';
export { createWebGPUBackend, type WebGPUBackendOptions } from './create.js';
export type { EngineCounts } from './engine/engine.js';
export type { KernelTime } from './engine/profiler.js';
export {
  CONV_TUNING,
  type ConvBlock,
  type ConvBlocks,
  type ConvTuning,
  convTuningFor,
  MATMUL_COLS,
  MATMUL_ROWS,
  MATMUL_SHUFFLE,
} from './engine/tuning.js';
export { GpuStorage } from './storage.js';
