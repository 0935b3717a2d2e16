// The relaxed-SIMD (FMA) build: vitest's workers run without `--experimental-wasm-relaxed-simd`
// on Node 20, so this runs bench/relaxed-check.ts in a child Node that has it (matmul vs the CPU,
// 1 vs 2 threads bit-identical).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import './backends.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

describe('relaxed SIMD build', () => {
  it('matches the CPU and gives identical results on 1 and 2 threads', () => {
    const flags = major === 20 ? ['--experimental-wasm-relaxed-simd'] : [];
    const out = execFileSync(
      process.execPath,
      [...flags, '--import', 'tsx', '--conditions=@mlblocks/source', 'bench/relaxed-check.ts'],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(out).toContain('relaxed SIMD: true');
    expect(out).not.toContain('identical: false');
  });
});
