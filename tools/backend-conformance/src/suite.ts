import {
  type Backend,
  BackendError,
  CpuBackend,
  type DType,
  getBackend,
  type TypedArray,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import { type Case, FAMILIES, type Family } from './cases/case.js';
import { compositions } from './cases/compositions.js';
import { binaryCases, unaryCases } from './cases/elementwise.js';
import { epilogueCases } from './cases/epilogue.js';
import { gatherCases, scatterAddCases } from './cases/indexing.js';
import { crossEntropyCases, matmulCases, softmaxCases } from './cases/linalg.js';
import { assignCases, copyCases, fillCases, whereCases } from './cases/movement.js';
import { recurrentCases } from './cases/recurrent.js';
import { reduceCases } from './cases/reduce.js';
import { typedArray } from './cases/values.js';
import { convolutionCases, maxPoolCases, maxPoolGradCases } from './cases/window.js';
import { DEFAULT_TOLERANCES, type ToleranceClass } from './tolerances.js';

/** What a backend declares to the conformance suite. */
export interface ConformanceOptions {
  /** Looser tolerances where the backend's hardware rounds differently, by class. */
  tolerances?: Partial<Record<ToleranceClass, number>>;
  /** What the backend does not do, each with the reason (shown as a skipped test). */
  skip?: {
    /** dtypes it cannot hold: the suite checks it refuses them with a BackendError instead. */
    dtypes?: Partial<Record<DType, string>>;
    /** NaN and ±∞ fed to float ops (results there are not promised to be IEEE). */
    nonFinite?: string;
    /** Whole primitive families. */
    families?: Partial<Record<Family, string>>;
    /** Cases whose name matches. */
    cases?: readonly { match: RegExp; reason: string }[];
  };
  /** Run only these families (e.g. matmul again under another kernel setting). */
  families?: readonly Family[];
}

const SEED = 11;

const CASES: Record<Family, (seed: number) => Case[]> = {
  fill: fillCases,
  copy: copyCases,
  assign: assignCases,
  unary: unaryCases,
  binary: binaryCases,
  where: whereCases,
  reduce: reduceCases,
  matmul: matmulCases,
  matmulBiasActivation: (seed) => epilogueCases(seed).filter((c) => c.family === 'matmulBiasActivation'),
  activationGrad: (seed) => epilogueCases(seed).filter((c) => c.family === 'activationGrad'),
  gather: gatherCases,
  scatterAdd: scatterAddCases,
  softmax: (seed) => softmaxCases(seed).filter((c) => c.family === 'softmax'),
  logSoftmax: (seed) => softmaxCases(seed).filter((c) => c.family === 'logSoftmax'),
  conv2d: (seed) => convolutionCases(seed).filter((c) => c.family === 'conv2d'),
  conv2dInputGrad: (seed) => convolutionCases(seed).filter((c) => c.family === 'conv2dInputGrad'),
  conv2dWeightGrad: (seed) => convolutionCases(seed).filter((c) => c.family === 'conv2dWeightGrad'),
  maxPool2d: maxPoolCases,
  maxPool2dGrad: maxPoolGradCases,
  softmaxCrossEntropy: (seed) => crossEntropyCases(seed).filter((c) => c.family === 'softmaxCrossEntropy'),
  softmaxCrossEntropyGrad: (seed) =>
    crossEntropyCases(seed).filter((c) => c.family === 'softmaxCrossEntropyGrad'),
  lstmCell: (seed) => recurrentCases(seed).filter((c) => c.family === 'lstmCell'),
  lstmCellGrad: (seed) => recurrentCases(seed).filter((c) => c.family === 'lstmCellGrad'),
  gruCell: (seed) => recurrentCases(seed).filter((c) => c.family === 'gruCell'),
  gruCellGrad: (seed) => recurrentCases(seed).filter((c) => c.family === 'gruCellGrad'),
};

/** The families of the contract's optional kernels: a backend without one is skipped (the NDArray layer composes it). */
const OPTIONAL: ReadonlySet<Family> = new Set([
  'matmulBiasActivation',
  'activationGrad',
  'softmax',
  'logSoftmax',
  'conv2d',
  'conv2dInputGrad',
  'conv2dWeightGrad',
  'maxPool2d',
  'maxPool2dGrad',
  'softmaxCrossEntropy',
  'softmaxCrossEntropyGrad',
  'lstmCell',
  'lstmCellGrad',
  'gruCell',
  'gruCellGrad',
]);

/** Failures shown per family before the rest are counted. */
const SHOWN = 12;
/** A family runs up to ~2,000 cases (about 6 s on lavapipe on a quiet machine): room for a busy one. */
const FAMILY_TIMEOUT_MS = 180_000;

/**
 * Registers the conformance tests of the backend registered as `name`: every primitive of the
 * `Backend` contract, for every op of core-tensor's op lists and every dtype it takes, on awkward
 * shapes and views (size 0 and 1, odd sizes, broadcasting, strided, transposed, reversed and
 * offset views), against the CPU reference — one test per primitive family, each reporting every
 * case that differs. Call it inside a vitest file after registering the backend.
 *
 * @example
 * registerBackend('wasm', await createWasmBackend());
 * describeConformance('wasm');
 * describeConformance('webgpu', { skip: { dtypes: { float64: 'WGSL has no 64-bit floats' } } });
 */
export function describeConformance(name: string, options: ConformanceOptions = {}): void {
  const tolerances = { ...DEFAULT_TOLERANCES, ...options.tolerances };
  const skip = options.skip ?? {};
  const skippedDTypes = new Set(Object.keys(skip.dtypes ?? {}) as DType[]);
  describe(`'${name}' conforms to the CPU reference`, () => {
    for (const family of options.families ?? FAMILIES) {
      const reason = skip.families?.[family];
      if (reason) {
        it.skip(`${family}: ${reason}`, () => {});
        continue;
      }
      it(
        family,
        async (context) => {
          const backend = getBackend(name);
          if (OPTIONAL.has(family) && !backend[family as keyof Backend])
            return context.skip(`${name} has no ${family} kernel; the NDArray layer composes it`);
          const cpu = new CpuBackend('conformance-cpu');
          const before = backend.memory();
          const failures: string[] = [];
          let ran = 0;
          for (const c of CASES[family](SEED)) {
            if (c.nonFinite && skip.nonFinite) continue;
            if (skip.cases?.some((s) => s.match.test(c.name))) continue;
            const want = await runCase(cpu, c);
            if (
              want.dtype !== undefined &&
              (skippedDTypes.has(want.dtype) || c.inputs.some((i) => skippedDTypes.has(i.dtype)))
            )
              continue;
            ran++;
            const got = await runCase(backend, c);
            const problem = compare(want, got, tolerances[c.tolerance], name);
            if (problem) failures.push(`${c.name}: ${problem}`);
          }
          expect(ran).toBeGreaterThan(0);
          if (failures.length > 0) {
            const more = failures.length > SHOWN ? `\n… and ${failures.length - SHOWN} more` : '';
            throw new Error(
              `${failures.length} of ${ran} ${family} cases differ from the CPU reference:\n${failures.slice(0, SHOWN).join('\n')}${more}`,
            );
          }
          expect(backend.memory(), 'live storages after the cases (a primitive leaked)').toEqual(before);
        },
        FAMILY_TIMEOUT_MS,
      );
    }
    if (options.families) return; // a rerun of some families: the rest was checked already
    it('NDArray compositions', async () => {
      await expectCompositionsMatchCpu(name, options);
    });
    for (const [dtype, reason] of Object.entries(skip.dtypes ?? {}) as [DType, string][]) {
      it(`refuses ${dtype} with a typed error (${reason})`, () => {
        expect(() => getBackend(name).upload(dtype, typedArray(dtype, [1]))).toThrow(BackendError);
      });
    }
    if (skip.nonFinite) it.skip(`NaN and ±∞ inputs: ${skip.nonFinite}`, () => {});
    for (const { match, reason } of skip.cases ?? []) it.skip(`cases matching ${match}: ${reason}`, () => {});
  });
}

/**
 * The NDArray layer's compositions on backend `name` (means, softmax, logsumexp, cross-entropy,
 * one-hot, products of views, …) equal the CPU's — the part of the conformance suite that runs
 * through core-tensor's op layer, and so through its fused kernels or, after `setFusion(false)`,
 * their compositions of primitives.
 */
export async function expectCompositionsMatchCpu(
  name: string,
  options: ConformanceOptions = {},
): Promise<void> {
  const tolerances = { ...DEFAULT_TOLERANCES, ...options.tolerances };
  const skippedDTypes = new Set(Object.keys(options.skip?.dtypes ?? {}) as DType[]);
  for (const c of compositions(SEED)) {
    if (c.inputs.some((x) => skippedDTypes.has(x.dtype))) continue;
    const want = c.f(...c.inputs);
    const got = c.f(...c.inputs.map((x) => x.to(name)));
    const problem = compare(
      { dtype: want.dtype, data: want.dataSync() },
      { dtype: got.dtype, data: await got.data() },
      tolerances[c.tolerance],
      name,
    );
    expect(problem, c.name).toBeNull();
    expect(got.shape, c.name).toEqual(want.shape);
  }
}

interface Result {
  dtype?: DType;
  data?: TypedArray;
  error?: string;
}

/** Uploads the inputs, builds their views, runs the case and reads its result back (freeing everything). */
async function runCase(backend: Backend, c: Case): Promise<Result> {
  const storages = c.inputs.map((i) => backend.upload(i.dtype, i.data));
  try {
    const views = c.inputs.map((i, k) => ({
      storage: storages[k]!,
      shape: i.shape,
      strides: i.strides,
      offset: i.offset,
    }));
    const out = c.run(backend, views);
    try {
      return { dtype: out.dtype, data: await backend.read(out) };
    } finally {
      backend.free(out);
    }
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  } finally {
    for (const s of storages) backend.free(s);
  }
}

/** One binary16 ulp relative to the value (2⁻¹⁰), with room for a second rounding. */
const FLOAT16_ULP = 2 ** -9;

/**
 * Why `got` differs from `want`, or null: same dtype and length, every element within `tol`
 * relative with the same absolute floor (|Δ| ≤ tol·(1 + |want|)); NaN matches NaN.
 */
function compare(want: Result, got: Result, tolerance: number, name: string): string | null {
  if (want.error) return `the case is broken: the CPU reference throws ${want.error}`;
  if (got.error) return `${name} throws ${got.error}`;
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} on ${name}, ${want.dtype} on the CPU`;
  // float16 results: the CPU rounds its float64 arithmetic to float32 and then to binary16, a
  // backend its float32 arithmetic to binary16 — one binary16 ulp (2⁻¹⁰ relative) apart at most
  const tol = want.dtype === 'float16' && tolerance > 0 ? Math.max(tolerance, FLOAT16_ULP) : tolerance;
  const [a, b] = [want.data!, got.data!];
  if (a.length !== b.length) return `${b.length} elements on ${name}, ${a.length} on the CPU`;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= tol * (1 + Math.abs(x))))
      return `element ${i}: cpu ${x}, ${name} ${y} (tolerance ${tol})`;
  }
  return null;
}
