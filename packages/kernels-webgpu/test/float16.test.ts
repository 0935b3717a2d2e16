// float16 on WebGPU (WGSL f16, the shader-f16 feature): the conformance suite checks every kernel
// that takes it against the CPU's binary16 rounding (test/parity.test.ts); here, what users see:
// half the bytes, a typed error where the device lacks the feature, and autograd on float16.
import { linear, tensor } from '@mlblocks/autograd';
import { BackendError, fromArray, Generator, randn, tidy } from '@mlblocks/core-tensor';
import { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { describe, expect, it } from 'vitest';
import { gpu, noAdapter } from './adapter.js';

const hasF16 = gpu?.device.features.has('shader-f16') ?? false;

describe.skipIf(noAdapter)('float16 on WebGPU', () => {
  it('a device without shader-f16 refuses float16 with a typed error naming the feature', async () => {
    const adapter = await gpu!.gpu!.requestAdapter();
    const device = await adapter!.requestDevice(); // no features requested
    const bare = new WebGPUBackend('webgpu-no-f16', device, gpu!.adapterDescription);
    try {
      expect(() => bare.upload('float16', new Float32Array([1, 2]))).toThrow(BackendError);
      expect(() => bare.alloc('float16', 3)).toThrow(/float16 needs the WebGPU feature 'shader-f16'/);
      expect(bare.memory()).toEqual({ buffers: 0, bytes: 0 });
    } finally {
      bare.dispose();
    }
  });

  it.skipIf(!hasF16)(
    'stores two bytes per element and round-trips every binary16 value it is given',
    async () => {
      const before = gpu!.memory().bytes;
      const values = [0, -0, 1, -2.5, 65504, -65504, 2 ** -24, 0.0999755859375, Number.POSITIVE_INFINITY];
      const x = fromArray(values, { dtype: 'float16', backend: 'webgpu' });
      expect(gpu!.memory().bytes - before).toBe(20); // 9 halves, padded to whole 4-byte words
      expect(Array.from(await x.data())).toEqual(values);
      const y = fromArray([0.1, 70000, 1e-9], { backend: 'webgpu' }).cast('float16');
      expect(Array.from(await y.data())).toEqual([0.0999755859375, Number.POSITIVE_INFINITY, 0]);
      x.dispose();
      y.dispose();
    },
  );

  it.skipIf(!hasF16)(
    'an MLP step in float16 (f32 accumulation) matches the CPU reference and holds memory flat',
    async () => {
      const g = new Generator(3);
      const data = [
        randn([16, 12], { generator: g }),
        randn([8, 12], { generator: g }).mul(0.3),
        randn([8]).mul(0.1),
      ];
      const run = async (backend: string) => {
        const [x, w, b] = data.map((a) => tensor(a.cast('float16').to(backend), { requiresGrad: true }));
        const loss = tidy(() => {
          const l = linear(x!, w!, b!, { activation: 'tanh' }).square().mean();
          l.backward();
          return l.detach();
        });
        const out = { loss: (await loss.array.data())[0]!, dw: Array.from(await w!.grad!.array.data()) };
        expect([w!.grad!.dtype, loss.dtype]).toEqual(['float16', 'float16']);
        for (const t of [x, w, b, loss]) t!.dispose();
        return out;
      };
      const want = await run('cpu');
      const before = gpu!.memory();
      const got = await run('webgpu');
      expect(gpu!.memory()).toEqual(before);
      expect(got.loss).toBeCloseTo(want.loss, 2);
      for (const [i, v] of want.dw.entries())
        expect(Math.abs(got.dw[i]! - v)).toBeLessThanOrEqual(4e-3 * (1 + Math.abs(v)));
    },
  );
});
