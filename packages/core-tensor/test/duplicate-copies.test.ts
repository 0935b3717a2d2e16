import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One runtime whatever the install (issue #14, finding 1): npm can nest a second copy of
// core-tensor, and one process can load both the ESM and the CJS build. Each copy here is a
// separate bundle of the sources, loaded by a fresh Node process: two ESM copies and a CJS copy of
// core-tensor, plus an ESM and a CJS bundle of autograd that each carry their own core-tensor.

const here = fileURLToPath(new URL('.', import.meta.url));
let dir = '';
const files = {
  esmA: '',
  esmB: '',
  cjs: '',
  autogradEsm: '',
  autogradCjs: '',
};

async function bundle(entry: string, outfile: string, format: 'esm' | 'cjs'): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format,
    platform: 'node',
    target: 'es2022',
    conditions: ['@mlblocks/source'],
    define: { __MLBLOCKS_CORE_TENSOR_VERSION__: '"0.1.0"' },
    logLevel: 'silent',
  });
  return outfile;
}

function run(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlblocks-copies-'));
  for (const d of ['a', 'b', 'c', 'g']) mkdirSync(join(dir, d));
  const core = join(here, '../src/index.ts');
  const autograd = join(here, '../../autograd/src/index.ts');
  files.esmA = await bundle(core, join(dir, 'a/index.mjs'), 'esm');
  files.esmB = await bundle(core, join(dir, 'b/index.mjs'), 'esm');
  files.cjs = await bundle(core, join(dir, 'c/index.cjs'), 'cjs');
  files.autogradEsm = await bundle(autograd, join(dir, 'g/index.mjs'), 'esm');
  files.autogradCjs = await bundle(autograd, join(dir, 'g/index.cjs'), 'cjs');
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const prelude = () => `
  import { createRequire } from 'node:module';
  const require = createRequire(${JSON.stringify(`${pathToFileURL(dir).href}/`)});
  const A = await import(${JSON.stringify(pathToFileURL(files.esmA).href)});
  const B = await import(${JSON.stringify(pathToFileURL(files.esmB).href)});
  const C = require(${JSON.stringify(files.cjs)});
  const out = {};
`;

describe('two copies of core-tensor and both module formats in one process', () => {
  it('share one backend registry, one memory count, one tidy scope stack and one seed', () => {
    const r = run(`${prelude()}
      out.copies = A.runtimeInfo().copies.length;
      A.registerBackend('wasm', () => new A.CpuBackend('wasm'));
      out.registered = [B.listBackends().includes('wasm'), C.listBackends().includes('wasm')];
      out.sameCpu = A.getBackend('cpu') === B.getBackend('cpu') && B.getBackend('cpu') === C.getBackend('cpu');
      out.sameWasm = C.getBackend('wasm') === A.getBackend('wasm');
      const x = A.fromArray([1, 2]), y = B.fromArray([3, 4]), z = C.fromArray([5, 6]);
      out.mixed = x.mul(y).add(z).toArraySync();
      out.mixedScalar = C.where(A.fromArray([1, 0], { dtype: 'bool' }), y, 0).toArraySync();
      out.instanceOf = [y instanceof A.NDArray, x instanceof C.NDArray, z instanceof B.NDArray, C.isNDArray(x), [1] instanceof A.NDArray];
      const before = C.memory().ndarrays;
      B.tidy(() => { A.fromArray([1]); C.zeros([2]); B.ones([3]); });
      out.tidyFreed = A.memory().ndarrays === before;
      C.seed(7); const r1 = A.rand([4]).toArraySync();
      B.seed(7); const r2 = C.rand([4]).toArraySync();
      out.seeded = JSON.stringify(r1) === JSON.stringify(r2);
      try { A.fromArray([1, 2]).add(C.fromArray([1, 2, 3])); } catch (e) {
        out.errors = [e instanceof B.ShapeError, e instanceof A.MlBlocksError, e instanceof C.DTypeError];
      }
      A.setDefaultBackend('wasm');
      out.defaultInC = C.getDefaultBackend();
      console.log(JSON.stringify(out));
    `);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      copies: 3,
      registered: [true, true],
      sameCpu: true,
      sameWasm: true,
      mixed: [8, 14],
      mixedScalar: [3, 0],
      instanceOf: [true, true, true, true, false],
      tidyFreed: true,
      seeded: true,
      errors: [true, true, false],
      defaultInC: 'wasm',
    });
  });

  it('autograd tensors of an ESM and a CJS copy mix, and noGrad holds across them', () => {
    const r = run(`${prelude()}
      const G1 = await import(${JSON.stringify(pathToFileURL(files.autogradEsm).href)});
      const G2 = require(${JSON.stringify(files.autogradCjs)});
      const w = G1.tensor([1, 2], { requiresGrad: true });
      const loss = w.mul(G2.tensor([3, 4])).sum();
      loss.backward();
      out.grad = w.grad.toArraySync();
      out.instanceOf = [w instanceof G2.Tensor, G2.isTensor(w), A.fromArray([1]) instanceof G2.Tensor];
      out.noGrad = G2.noGrad(() => G1.tensor([1], { requiresGrad: true }).mul(2).requiresGrad);
      out.fromOtherCore = G1.tensor(B.fromArray([1, 2])).add(G2.tensor(C.fromArray([1, 1]))).toArraySync();
      console.log(JSON.stringify(out));
    `);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      grad: [3, 4],
      instanceOf: [true, true, false],
      noGrad: false,
      fromOtherCore: [2, 3],
    });
  });

  it('an incompatible copy fails at import with one error naming both versions and how to dedupe', () => {
    const r = run(`
      globalThis[Symbol.for('mlblocks.core-tensor.runtime')] = { protocol: 999, version: '9.9.9', copies: ['9.9.9'] };
      try { await import(${JSON.stringify(pathToFileURL(files.esmA).href)}); console.log('loaded'); }
      catch (e) { console.log(e.message); }
    `);
    expect(r.stdout).toMatch(/incompatible copies of @mlblocks\/core-tensor/);
    expect(r.stdout).toMatch(
      /9\.9\.9 \(runtime protocol 999, loaded first\) and 0\.1\.0 \(runtime protocol 1\)/,
    );
    expect(r.stdout).toMatch(/npm dedupe/);
  });
});
