// Finds a WebGPU adapter for the tests. Outside CI a missing adapter skips the suites with a loud
// message; under CI=true it fails the run, so the WebGPU tests can never silently not run there.
import { registerBackend } from '@mlblocks/core-tensor';
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp';

let backend: WebGPUBackend | null = null;
let reason = '';
try {
  backend = await createNodeWebGPUBackend();
  registerBackend('webgpu', backend);
} catch (error) {
  reason = (error as Error).message;
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true but no WebGPU adapter: ${reason}. .ci/run installs Mesa lavapipe; check the Vulkan driver.`,
    );
  }
  console.warn(
    `\n*** WebGPU tests SKIPPED: ${reason}\n*** Install a Vulkan driver (Mesa lavapipe: see packages/kernels-webgpu/README.md) to run them.\n`,
  );
}

/** The backend under test, or null when skipped. */
export const gpu = backend;
export const noAdapter = backend === null;
