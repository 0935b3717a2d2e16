// The fused kernels on WebGPU and the unfused path beside them (parity.test.ts runs the NDArray
// compositions with fusion off too): the fused optimizer steps against
// the CPU's composition, then — with core-tensor's fusion switched off, so cross-entropy, softmax,
// the recurrent cells and the optimizer steps run as compositions of primitives (the path a
// backend without those kernels takes) — the same parity checks again.
import {
  expectCpuLossAndGradients,
  expectFlatTraining,
  expectOptimizerStepsMatchCpu,
} from '@mlblocks/backend-conformance';
import {
  adamStep,
  fusionEnabled,
  Generator,
  getBackend,
  lstmCell,
  lstmCellGrad,
  randn,
  setFusion,
  sgdStep,
  softmaxCrossEntropyRows,
  zeros,
} from '@mlblocks/core-tensor';
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noAdapter } from './adapter.js';

describe.skipIf(noAdapter)('fused optimizer steps on WebGPU', () => {
  it('Adam/AdamW and SGD (momentum, dampening, Nesterov, decay) match the CPU composition', async () => {
    expect(fusionEnabled()).toBe(true);
    await expectOptimizerStepsMatchCpu('webgpu');
    // one dispatch per parameter and step (the composition takes a dozen)
    const engine = (getBackend('webgpu') as WebGPUBackend).engine;
    const [p, g, m, v] = [0, 1, 2, 3].map(() => zeros([300], { backend: 'webgpu' }).add(1));
    const before = engine.counts.dispatches;
    const h = {
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      stepSize: 1e-3,
      bias2Sqrt: 1,
      weightDecay: 0,
      paramScale: 1,
    };
    adamStep(p!, g!, m!, v!, h);
    sgdStep(p!, g!, m!, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true });
    expect(engine.counts.dispatches - before).toBe(2);
  });
});

describe.skipIf(noAdapter)('WebGPU with fusion off (compositions of primitives)', () => {
  let was = true;
  beforeAll(() => {
    was = setFusion(false);
  });
  afterAll(() => {
    setFusion(was);
  });

  it('the switch is off for this suite', () => {
    expect(fusionEnabled()).toBe(false);
  });

  it('optimizer steps, cross-entropy and an LSTM step match the CPU', async () => {
    await expectOptimizerStepsMatchCpu('webgpu');
    const gen = new Generator(5);
    const logits = randn([9, 13], { generator: gen });
    const labels = randn([9], { generator: gen }).abs().mul(4).cast('int32');
    const { loss } = softmaxCrossEntropyRows(logits.to('webgpu'), labels.to('webgpu'));
    const want = softmaxCrossEntropyRows(logits, labels).loss.dataSync();
    const got = await loss.data();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
    const [gates, c, dOut] = [
      randn([3, 20], { generator: gen }),
      randn([3, 5], { generator: gen }),
      randn([3, 10], { generator: gen }),
    ];
    const out = lstmCell(gates, c);
    const outGpu = lstmCell(gates.to('webgpu'), c.to('webgpu'));
    const [dg, dc] = lstmCellGrad(gates, c, out, dOut);
    const [dgGpu, dcGpu] = lstmCellGrad(gates.to('webgpu'), c.to('webgpu'), outGpu, dOut.to('webgpu'));
    for (const [want, got] of [
      [out, outGpu],
      [dg, dgGpu],
      [dc, dcGpu],
    ] as const) {
      const [w, g] = [want.dataSync(), await got.data()];
      for (let i = 0; i < w.length; i++)
        expect(Math.abs(g[i]! - w[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(w[i]!)));
    }
  });

  it('an MLP with cross-entropy gets the CPU loss and gradients; training holds memory flat', async () => {
    await expectCpuLossAndGradients('webgpu');
    await expectFlatTraining('webgpu', { steps: 100 });
  }, 120_000);
});
