// Faults on WebGPU. Fused kernels are compiled when the backend is created; one that does not
// compile on the adapter turns its methods off on that backend (the NDArray layer then composes
// the op) with a one-line notice — never a crash, and the error does not leak into later calls.
// A lost device makes every later call a typed error naming it.
import {
  adamStep,
  BackendError,
  fromArray,
  getBackend,
  type NDArray,
  registerBackend,
  removeBackend,
} from '@mlblocks/core-tensor';
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';
import { describe, expect, it } from 'vitest';
import { compileFusedKernels, FUSED_GROUPS } from '../src/fused-kernels.js';
import { noAdapter } from './adapter.js';

describe.skipIf(noAdapter)('fused kernels that do not compile fall back to the composition', () => {
  it('every fused kernel compiles on this adapter at creation (no notice)', async () => {
    const notices: string[] = [];
    const backend = await createNodeWebGPUBackend({ name: 'webgpu-fresh', notice: (l) => notices.push(l) });
    expect(notices).toEqual([]);
    for (const group of FUSED_GROUPS)
      for (const m of group.methods) expect(backend[m], m).toBeTypeOf('function');
    backend.dispose();
  });

  it('a broken kernel: one notice, its methods off, the op still right through the composition', async () => {
    const backend = getBackend('webgpu') as WebGPUBackend;
    const notices: string[] = [];
    const off = await compileFusedKernels(backend, (l) => notices.push(l), [
      { methods: ['adamUpdate'], kernels: () => [['adamUpdate:broken', () => 'fn main( {']] },
    ]);
    try {
      expect(off).toEqual(['adamUpdate']);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(
        /WebGPU: the fused kernel 'adamUpdate:broken' does not compile on .*; adamUpdate run unfused/,
      );
      expect(backend.adamUpdate).toBeUndefined();
      const values = (a: NDArray) => Array.from(a.dataSync());
      const [p, g, m, v] = [
        [1, -2, 3],
        [0.5, 0.1, -1],
        [0, 0.2, 0],
        [0, 0.1, 1],
      ].map((x) => fromArray(x));
      const h = {
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        stepSize: 0.01,
        bias2Sqrt: 0.5,
        weightDecay: 0,
        paramScale: 1,
      };
      const want = adamStep(p!, g!, m!, v!, h).map(values);
      const got = await Promise.all(
        adamStep(
          ...([p, g, m, v].map((x) => x!.to('webgpu')) as [NDArray, NDArray, NDArray, NDArray]),
          h,
        ).map(async (x) => Array.from(await x.data())),
      );
      for (const [k, part] of got.entries())
        for (const [i, x] of part.entries()) expect(x).toBeCloseTo(want[k]![i]!, 6);
    } finally {
      delete (backend as unknown as Record<string, unknown>).adamUpdate; // the prototype's method again
    }
    expect(backend.adamUpdate).toBeTypeOf('function');
  });
});

describe.skipIf(noAdapter)('a lost device', () => {
  it('turns every later call on its arrays into a BackendError naming the loss', async () => {
    const backend = await createNodeWebGPUBackend({ name: 'webgpu-doomed' });
    registerBackend('webgpu-doomed', backend);
    try {
      const x = fromArray([1, 2, 3]).to('webgpu-doomed');
      expect(Array.from(await x.mul(2).data())).toEqual([2, 4, 6]);
      backend.engine.device.destroy(); // what a driver reset or a removed GPU looks like to WebGPU
      await backend.engine.device.lost;
      expect(() => x.add(1)).toThrow(BackendError);
      expect(() => x.add(1)).toThrow(/WebGPU device lost \(destroyed\).*create a new backend/);
    } finally {
      removeBackend('webgpu-doomed');
    }
  });
});
