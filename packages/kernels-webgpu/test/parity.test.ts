// The WebGPU backend against the CPU reference: the shared conformance suite (every primitive,
// every op of core-tensor's op lists, every dtype it holds, awkward shapes and views) — matmul under
// both kernels, the window kernels under both adapters' tunings — then what only this backend has: dispatches past the 65,535-workgroup limit,
// compile errors as typed errors, the buffer pool's deferred destroy, and flat memory.
//
// What it declares: no float64 (WGSL has none); no promise for NaN and ±∞ inputs (WGSL lets
// implementations assume there are none); sin/cos only near [−π, π]; looser tolerances where WGSL
// rounds differently from the CPU's float64-then-round (division to 2.5 ULP, builtins like exp to a
// few ULP, another order of summation in workgroup reductions).

import {
  type ConformanceOptions,
  describeConformance,
  expectCompositionsMatchCpu,
  expectMatchesCpu,
} from '@mlblocks/backend-conformance';
import {
  BackendError,
  fusionEnabled,
  Generator,
  memory,
  type NDArray,
  randn,
  setFusion,
  tidy,
} from '@mlblocks/core-tensor';
import { convTuningFor, MATMUL_COLS, MATMUL_ROWS, MATMUL_SHUFFLE } from '@mlblocks/kernels-webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpu, noAdapter } from './adapter.js';

const gen = new Generator(11);
const rn = (...shape: number[]) => randn(shape, { generator: gen });

/** `got` (on the GPU) equals `want` (on the CPU) within `tol`. */
async function expectOnGpu(want: NDArray, got: NDArray, tol: number): Promise<void> {
  expect(got.backend.name).toBe('webgpu');
  expectMatchesCpu(want, got, await got.data(), tol);
}

const WEBGPU: ConformanceOptions = {
  tolerances: { arithmetic: 1e-6, transcendental: 2e-6, accumulation: 1e-5 },
  skip: {
    dtypes: {
      float64: 'WGSL has no 64-bit floats',
      // f16 exists only with the shader-f16 feature (lavapipe has it; check what an adapter lacks)
      ...(gpu?.device.features.has('shader-f16') ? {} : { float16: "the adapter has no 'shader-f16'" }),
    },
    nonFinite:
      'WGSL lets implementations assume no NaN or ±∞ (lavapipe folds x != x to false: NaN max/min/sign/relu/argmax differ, and NaN → int casts give −2³¹)',
    cases: [
      {
        match: /^(sin|cos) float32\[67\] with edge values/,
        reason: 'WGSL promises sin/cos accuracy only on [−π, π]; at |x| = 1e30 they are off by up to 1',
      },
    ],
  },
};

describe.skipIf(noAdapter)(`WebGPU (${gpu?.adapterDescription})`, () => {
  describeConformance('webgpu', WEBGPU);

  describe('with fusion off: the NDArray compositions through primitives (no fused kernel)', () => {
    let previous = true;
    beforeAll(() => {
      previous = setFusion(false);
    });
    afterAll(() => {
      setFusion(previous);
    });
    it('NDArray compositions', async () => {
      expect(fusionEnabled()).toBe(false);
      await expectCompositionsMatchCpu('webgpu', WEBGPU);
    });
  });

  describe('with the workgroup-tiled matmul kernel', () => {
    let previous: 'registers' | 'tiled' = 'registers';
    beforeAll(() => {
      previous = gpu!.engine.matmulKernel;
      gpu!.engine.matmulKernel = 'tiled';
    });
    afterAll(() => {
      gpu!.engine.matmulKernel = previous;
    });
    // its epilogue with relu only: each tiled variant takes lavapipe ~3 s to compile, and the
    // activations' code is the register kernel's (checked above with all of them)
    describeConformance('webgpu', {
      ...WEBGPU,
      families: ['matmul', 'matmulBiasActivation'],
      skip: {
        ...WEBGPU.skip,
        cases: [
          ...(WEBGPU.skip?.cases ?? []),
          { match: /^(none|tanh|sigmoid)\(/, reason: 'relu covers the tiled epilogue' },
        ],
      },
    });
  });

  describe("with each lane loading A's rows itself (no subgroup broadcasts in the matmul)", () => {
    let previous = 0;
    beforeAll(() => {
      previous = gpu!.engine.matmulShuffle;
      gpu!.engine.matmulShuffle = 0;
    });
    afterAll(() => {
      gpu!.engine.matmulShuffle = previous;
    });
    it('lavapipe gets the broadcasts: its subgroups are rows of 8 (probed at creation)', () => {
      if (/llvmpipe/.test(gpu!.adapterDescription)) expect(previous).toBe(MATMUL_SHUFFLE.lavapipe);
    });
    describeConformance('webgpu', { ...WEBGPU, families: ['matmul', 'matmulBiasActivation'] });
  });

  describe("with a GPU's matmul blocks (4 rows × 4 columns per invocation)", () => {
    let previous = [16, 8];
    beforeAll(() => {
      previous = [gpu!.engine.matmulRows, gpu!.engine.matmulCols];
      gpu!.engine.matmulRows = MATMUL_ROWS.gpu;
      gpu!.engine.matmulCols = MATMUL_COLS.gpu;
    });
    afterAll(() => {
      [gpu!.engine.matmulRows, gpu!.engine.matmulCols] = previous as [number, number];
    });
    describeConformance('webgpu', { ...WEBGPU, families: ['matmul'] });
  });

  describe('with row sums through shared-memory trees (no subgroup operations)', () => {
    let previous = true;
    beforeAll(() => {
      previous = gpu!.engine.subgroups;
      gpu!.engine.subgroups = false;
    });
    afterAll(() => {
      gpu!.engine.subgroups = previous;
    });
    it('the device has subgroups where the adapter offers them', () => {
      expect(previous).toBe(gpu!.device.features.has('subgroups'));
    });
    describeConformance('webgpu', {
      ...WEBGPU,
      families: ['reduce', 'softmax', 'logSoftmax', 'softmaxCrossEntropy'],
    });
  });

  describe("with a GPU's convolution tuning (4×4 blocks, weight gradients split to 65,536 invocations)", () => {
    let previous = gpu!.engine.conv;
    beforeAll(() => {
      previous = gpu!.engine.conv;
      gpu!.engine.conv = convTuningFor('a GPU');
    });
    afterAll(() => {
      gpu!.engine.conv = previous;
    });
    describeConformance('webgpu', { ...WEBGPU, families: ['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad'] });
  });

  it('sums 70,000 rows (more rows than one grid axis holds)', async () => {
    const x = rn(70000, 2);
    await expectOnGpu(x.sum(1), x.to('webgpu').sum(1), 1e-6);
  });

  it('one element-wise dispatch over more than 65,535 workgroups', async () => {
    const n = 65535 * 64 + 100;
    const x = rn(n);
    await expectOnGpu(x.mul(2).add(1), x.to('webgpu').mul(2).add(1), 1e-6);
  });

  it('a shader that fails to compile is a typed error, not a hang', () => {
    const engine = gpu!.engine;
    const bad = engine.kernel('broken-on-purpose', () => 'this is not WGSL');
    expect(() => engine.dispatch(bad, new Int32Array(1), [], 1)).toThrow(BackendError);
  });

  it('buffers freed past the pool cap outlive the pending work that reads them', async () => {
    // a full pool destroys what is freed; recorded (not yet submitted) dispatches may still read it
    const pool = gpu!.engine.pool;
    const cap = pool.maxPooledBytes;
    pool.maxPooledBytes = 0;
    try {
      const x = rn(33, 65);
      const onGpu = x.to('webgpu');
      const y = onGpu.exp(); // recorded, not submitted
      onGpu.dispose(); // its buffer leaves while y's dispatch still reads it
      const z = y.add(1);
      y.dispose();
      await expectOnGpu(x.exp().add(1), z, 1e-6);
    } finally {
      pool.maxPooledBytes = cap;
    }
  });

  it('memory: a tidy loop holds live buffers flat', () => {
    const w = rn(32, 32).to('webgpu');
    tidy(() => {
      w.matmul(w).relu().sum();
    });
    const before = memory().backends.webgpu!;
    for (let i = 0; i < 200; i++) {
      tidy(() => {
        w.matmul(w).tanh().softmax().sum();
      });
    }
    expect(memory().backends.webgpu).toEqual(before);
  });
});
