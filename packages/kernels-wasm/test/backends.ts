// Shared by the test files: builds the kernels if needed, then registers the wasm backend under
// 'wasm' (1 thread) and 'wasm2' (2 threads, every product split: threadMinMacs 1).
import { registerBackend } from '@mlblocks/core-tensor';
import setup from './global-setup.js';

await setup();
// NOTE: imported after the build: the package's sources embed the generated wasm bytes
const wasmPackage = await import('@mlblocks/kernels-wasm');

export const { createWasmBackend } = wasmPackage;
export const wasm = await createWasmBackend({ threads: 1 });
export const wasm2 = await createWasmBackend({ threads: 2, name: 'wasm2', threadMinMacs: 1 });
registerBackend('wasm', wasm);
registerBackend('wasm2', wasm2);
