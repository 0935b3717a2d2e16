import { listBackends, removeBackend } from '@mlblocks/core-tensor';
import { useWebGPUIfAvailable } from '@mlblocks/kernels-webgpu/node';
import { describe, expect, it } from 'vitest';
import { gpu, noAdapter } from './adapter.js';

describe.skipIf(noAdapter)('auto-selection', () => {
  it('passes over a software adapter with a one-line notice unless allowed', async () => {
    const lines: string[] = [];
    const name = await useWebGPUIfAvailable({ notice: (line) => lines.push(line) });
    if (gpu!.isSoftwareAdapter) {
      expect(name).toBe('cpu');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/software one .* using the CPU backend/);
      expect(await useWebGPUIfAvailable({ allowSoftware: true, notice: (line) => lines.push(line) })).toBe(
        'webgpu',
      );
    } else {
      expect(name).toBe('webgpu');
      expect(lines).toEqual([]);
    }
    expect(listBackends()).toContain('webgpu');
    if (listBackends().includes('webgpu')) removeBackend('webgpu');
  });
});
