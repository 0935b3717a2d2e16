import { getBackend, listBackends, removeBackend } from '@mlblocks/core-tensor';
import { isSoftwareAdapter, useWebGPUIfAvailable } from '@mlblocks/kernels-webgpu/node';
import { describe, expect, it } from 'vitest';
import { gpu, noAdapter } from './adapter.js';

describe('isSoftwareAdapter', () => {
  it('names the software rasterizers and nothing else', () => {
    for (const d of ['llvmpipe: Mesa 25.0.7 (mesa) software', 'SwiftShader Device (Subzero)', 'lavapipe'])
      expect(isSoftwareAdapter(d)).toBe(true);
    for (const d of [
      'NVIDIA H100 80GB HBM3 (nvidia) hopper',
      'Apple M2 (apple) metal-3',
      'AMD Radeon RX 7900',
    ])
      expect(isSoftwareAdapter(d)).toBe(false);
  });
});

describe.skipIf(noAdapter)('auto-selection', () => {
  it('registers WebGPU only on a hardware adapter, names the fallback in a one-line notice', async () => {
    // the test adapter module registered 'webgpu'; start from a registry without it, so that only
    // useWebGPUIfAvailable can put it there
    removeBackend('webgpu');
    expect(listBackends()).not.toContain('webgpu');
    const lines: string[] = [];
    const name = await useWebGPUIfAvailable({ notice: (line) => lines.push(line) });
    if (gpu!.isSoftwareAdapter) {
      expect(name).toBe('cpu');
      expect(listBackends()).not.toContain('webgpu');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/software one .* using the CPU backend/);
      expect(await useWebGPUIfAvailable({ fallback: 'wasm', notice: (line) => lines.push(line) })).toBe(
        'wasm',
      );
      expect(lines[1]).toMatch(/software one .* using the wasm backend/);
      expect(listBackends()).not.toContain('webgpu');
      expect(await useWebGPUIfAvailable({ allowSoftware: true, notice: (line) => lines.push(line) })).toBe(
        'webgpu',
      );
      expect(lines).toHaveLength(2);
    } else {
      expect(name).toBe('webgpu');
      expect(lines).toEqual([]);
    }
    expect(listBackends()).toContain('webgpu');
    expect(getBackend('webgpu').name).toBe('webgpu');
    removeBackend('webgpu');
  });
});
