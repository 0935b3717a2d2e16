/**
 * @mlblocks/kernels-webgpu — the WGSL compute backend. This file is the public door for
 * browsers and Node; Node's Dawn loader lives in `@mlblocks/kernels-webgpu/node`.
 */
export { GpuStorage, WebGPUBackend } from './backend.js';
export { createWebGPUBackend, type WebGPUBackendOptions } from './create.js';
