// Autograd on the WebGPU backend: the same gradients as on the CPU, and a 1,000-step training
// loop whose live GPU memory stays flat — its peak and the buffer pool too.
import { expectCpuLossAndGradients, expectFlatTraining } from '@mlblocks/backend-conformance';
import { getBackend } from '@mlblocks/core-tensor';
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { describe, expect, it } from 'vitest';
import { noAdapter } from './adapter.js';

describe.skipIf(noAdapter)('autograd on WebGPU', () => {
  it('an MLP with cross-entropy gets the same loss and gradients as on the CPU', async () => {
    await expectCpuLossAndGradients('webgpu');
  });

  it('1,000 training steps keep live GPU buffers and bytes flat, and the peak and the pool steady', async () => {
    const gpu = getBackend('webgpu') as WebGPUBackend;
    gpu.resetPeak();
    // the peak and the pooled bytes after the first step equal those after the 1,000th
    await expectFlatTraining('webgpu', { steps: 1000, reserved: () => gpu.memoryStats().peakBytes });
    gpu.resetPeak();
    expect(gpu.memoryStats().peakBytes).toBe(gpu.memoryStats().liveBytes);
    await expectFlatTraining('webgpu', { steps: 200, reserved: () => gpu.memoryStats().pooledBytes });
  }, 120_000);
});
