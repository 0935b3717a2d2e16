// Autograd on the wasm backend: the same loss and gradients as on the CPU, and a 1,000-step
// training loop whose live buffers, bytes and wasm heap stay flat (the allocator reuses blocks).
import { expectCpuLossAndGradients, expectFlatTraining } from '@mlblocks/backend-conformance';
import { describe, it } from 'vitest';
import { wasm } from './backends.js';

describe('autograd on wasm', () => {
  it('an MLP with cross-entropy gets the same loss and gradients as on the CPU (1 and 2 threads)', async () => {
    await expectCpuLossAndGradients('wasm');
    await expectCpuLossAndGradients('wasm2');
  });

  it('1,000 training steps keep live buffers, bytes and the wasm heap flat', async () => {
    await expectFlatTraining('wasm', { steps: 1000, reserved: () => wasm.heap.allocator.reserved });
  });
});
