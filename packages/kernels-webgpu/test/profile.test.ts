// The per-kernel profile from timestamp queries (engine.startProfile / stopProfile), which
// `pnpm bench --profile` prints.
import { getBackend, randn } from '@mlblocks/core-tensor';
import type { WebGPUBackend } from '@mlblocks/kernels-webgpu';
import { describe, expect, it } from 'vitest';
import { noAdapter } from './adapter.js';

describe.skipIf(noAdapter)('per-kernel profile', () => {
  it('counts each kernel’s dispatches and device time while it runs, and nothing after', async () => {
    const backend = getBackend('webgpu') as WebGPUBackend;
    const [a, b] = [randn([64, 48]).to('webgpu'), randn([48, 32]).to('webgpu')];
    if (!backend.engine.startProfile()) {
      expect(backend.engine.device.features.has('timestamp-query')).toBe(false);
      expect(await backend.engine.stopProfile()).toEqual([]);
      return;
    }
    for (let i = 0; i < 3; i++) await a.matmul(b).relu().data();
    const report = await backend.engine.stopProfile();
    const matmul = report.find((k) => k.kernel.startsWith('matmul:'));
    const relu = report.find((k) => k.kernel.startsWith('unary:relu'));
    expect(matmul?.dispatches).toBe(3);
    expect(relu?.dispatches).toBe(3);
    for (const k of report) expect(k.ms).toBeGreaterThanOrEqual(0);
    expect(report.map((k) => k.ms)).toEqual([...report.map((k) => k.ms)].sort((x, y) => y - x));
    await a.matmul(b).data();
    expect(await backend.engine.stopProfile()).toEqual([]); // stopped: nothing more is recorded
  });
});
