// Autograd on the WebGPU backend: the same gradients as on the CPU, and a 1,000-step training
// loop whose live GPU memory stays flat.
import { expectCpuLossAndGradients, expectFlatTraining } from '@mlblocks/backend-conformance';
import { describe, it } from 'vitest';
import { noAdapter } from './adapter.js';

describe.skipIf(noAdapter)('autograd on WebGPU', () => {
  it('an MLP with cross-entropy gets the same loss and gradients as on the CPU', async () => {
    await expectCpuLossAndGradients('webgpu');
  });

  it('1,000 training steps keep live GPU buffers and bytes flat', async () => {
    await expectFlatTraining('webgpu', { steps: 1000 });
  }, 120_000);
});
