// The WebGPU window kernels beyond the shared conformance cases: the bench's CNN layers at full
// width (many register blocks per image), the weight gradient with and without split sums,
// NaN in max pooling (the conformance suite skips non-finite inputs for WebGPU: this kernel
// promises them), typed errors, and flat memory across convolution training steps.
import { expectMatchesCpu } from '@mlblocks/backend-conformance';
import {
  BackendError,
  type ConvGeometry,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  fromArray,
  Generator,
  maxPool2d,
  maxPool2dGrad,
  memory,
  type NDArray,
  randn,
  tidy,
} from '@mlblocks/core-tensor';
import { CONV_TUNING, convTuningFor } from '@mlblocks/kernels-webgpu';
import { describe, expect, it } from 'vitest';
import { gpu, noAdapter } from './adapter.js';

const gen = new Generator(5);
const rn = (...shape: number[]) => randn(shape, { generator: gen });

async function expectOnGpu(want: NDArray, got: NDArray, tol: number): Promise<void> {
  expect(got.backend.name).toBe('webgpu');
  expectMatchesCpu(want, got, await got.data(), tol);
}

describe('convolution tuning per adapter', () => {
  it('big register blocks on lavapipe, small ones on SwiftShader and GPUs, a wide split on GPUs', () => {
    const lavapipe = convTuningFor('llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) (mesa) software');
    const swiftshader = convTuningFor('(google) swiftshader');
    const gpu = convTuningFor('NVIDIA: 580.159.04 (nvidia)');
    expect(lavapipe).toEqual(CONV_TUNING.lavapipe);
    expect(lavapipe.blocks.forward).toEqual({ channels: 16, positions: 8 });
    expect(swiftshader.blocks.forward).toEqual({ channels: 4, positions: 4 });
    expect(gpu.splitTarget).toBeGreaterThan(swiftshader.splitTarget);
    lavapipe.blocks.forward.channels = 1; // a copy: the table is untouched
    expect(CONV_TUNING.lavapipe.blocks.forward.channels).toBe(16);
  });
});

describe.skipIf(noAdapter)('WebGPU window kernels', () => {
  it("the bench CNN's second convolution (32 → 64 channels, 3×3): forward and both gradients", async () => {
    const [x, w, dy] = [rn(2, 32, 26, 26), rn(64, 32, 3, 3), rn(2, 64, 24, 24)];
    const [xg, wg, dyg] = [x.to('webgpu'), w.to('webgpu'), dy.to('webgpu')];
    await expectOnGpu(conv2d(x, w), conv2d(xg, wg), 1e-4);
    await expectOnGpu(conv2dInputGrad(dy, w, [26, 26]), conv2dInputGrad(dyg, wg, [26, 26]), 1e-4);
    await expectOnGpu(conv2dWeightGrad(x, dy, 3), conv2dWeightGrad(xg, dyg, 3), 1e-4);
  });

  it('a padded, strided, grouped convolution with 17 output channels per group', async () => {
    const o = { stride: 2, padding: [2, 1] as [number, number], groups: 2 };
    const [x, w] = [rn(3, 6, 15, 14), rn(34, 3, 5, 3)];
    const y = conv2d(x, w, o);
    const dy = rn(...y.shape);
    const [xg, wg, dyg] = [x.to('webgpu'), w.to('webgpu'), dy.to('webgpu')];
    await expectOnGpu(y, conv2d(xg, wg, o), 1e-4);
    await expectOnGpu(conv2dInputGrad(dy, w, [15, 14], o), conv2dInputGrad(dyg, wg, [15, 14], o), 1e-4);
    await expectOnGpu(conv2dWeightGrad(x, dy, [5, 3], o), conv2dWeightGrad(xg, dyg, [5, 3], o), 1e-4);
  });

  it('the weight gradient is the same in one pass, split in two and split per output row', async () => {
    const [x, dy] = [rn(4, 5, 10, 9), rn(4, 7, 8, 7)];
    const want = conv2dWeightGrad(x, dy, 3);
    const engine = gpu!.engine;
    const target = engine.conv.splitTarget;
    const before = engine.counts.dispatches;
    try {
      // a target of one block needs no split; twice the blocks, two splits and their sum;
      // a huge one, a split per output row (32) and their sum
      for (const [splitTarget, dispatches] of [
        [1, 1],
        [2 * blocksOf(engine.conv.blocks.weightGrad), 2],
        [1e9, 2],
      ] as const) {
        engine.conv.splitTarget = splitTarget;
        const start = engine.counts.dispatches;
        const got = conv2dWeightGrad(x.to('webgpu'), dy.to('webgpu'), 3);
        // (uploads are not dispatches)
        expect(engine.counts.dispatches - start, `split target ${splitTarget}`).toBe(dispatches);
        await expectOnGpu(want, got, 1e-4);
      }
    } finally {
      engine.conv.splitTarget = target;
    }
    expect(engine.counts.dispatches).toBeGreaterThan(before);
  });

  it('max pooling keeps the first NaN of a window and its index, like the CPU', async () => {
    const v = [1, Number.NaN, 3, 2, 5, 4, Number.NaN, 0, -1, -2, -3, -4, 7, 7, 6, Number.NaN];
    const x = fromArray(v).reshape(1, 1, 4, 4);
    const want = maxPool2d(x, 2);
    const got = maxPool2d(x.to('webgpu'), 2);
    const values = Array.from(await got.values.data());
    expect(values.map((a) => (Number.isNaN(a) ? 'NaN' : a))).toEqual(
      Array.from(want.values.dataSync(), (a) => (Number.isNaN(a) ? 'NaN' : a)),
    );
    expect(Array.from(await got.indices.data())).toEqual(Array.from(want.indices.dataSync()));
    // padding never wins, even over −∞
    const ninf = fromArray([Number.NEGATIVE_INFINITY, -1, -2, -3]).reshape(1, 1, 2, 2);
    const padded = maxPool2d(ninf.to('webgpu'), 2, { stride: 1, padding: 1 });
    const cpu = maxPool2d(ninf, 2, { stride: 1, padding: 1 });
    expect(Array.from(await padded.values.data())).toEqual(Array.from(cpu.values.dataSync()));
    expect(Array.from(await padded.indices.data())).toEqual(Array.from(cpu.indices.dataSync()));
  });

  it('inputs the kernels cannot take are typed errors', () => {
    const backend = gpu!;
    const x = backend.upload('int32', new Int32Array(16));
    const w = backend.upload('float32', new Float32Array(4));
    const g: ConvGeometry = {
      input: [4, 4],
      output: [3, 3],
      kernel: [2, 2],
      stride: [1, 1],
      padding: [0, 0],
      dilation: [1, 1],
      batch: 1,
      inChannels: 1,
      outChannels: 1,
      groups: 1,
    };
    const view = (storage: typeof x, shape: number[]) => ({
      storage,
      shape,
      strides: shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1)),
      offset: 0,
    });
    try {
      expect(() => backend.conv2d(view(x, [1, 1, 4, 4]), view(w, [1, 1, 2, 2]), g)).toThrow(BackendError);
      expect(() => backend.maxPool2d(view(x, [1, 4, 4]), g)).toThrow(/float32/);
      expect(() => backend.maxPool2dGrad(view(x, [1, 3, 3]), view(x, [1, 3, 3]), g)).toThrow(BackendError);
    } finally {
      backend.free(x);
      backend.free(w);
    }
  });

  it('memory: convolution and pooling steps in tidy hold live buffers flat', async () => {
    const [x, w] = [rn(2, 3, 12, 12).to('webgpu'), rn(8, 3, 3, 3).to('webgpu')];
    const step = () =>
      tidy(() => {
        const y = conv2d(x, w, { padding: 1 }).relu();
        const { values, indices } = maxPool2d(y, 2);
        maxPool2dGrad(values, indices, [12, 12], 2);
        conv2dInputGrad(y, w, [12, 12], { padding: 1 });
        conv2dWeightGrad(x, y, 3, { padding: 1 });
      });
    step();
    const before = memory().backends.webgpu!;
    for (let i = 0; i < 50; i++) step();
    expect(memory().backends.webgpu).toEqual(before);
    await x.data();
  });
});

/** Invocations of the weight gradient of 7 output channels and 5·3·3 taps at `block`, unsplit. */
function blocksOf(block: { channels: number; positions: number }): number {
  return Math.ceil(7 / block.channels) * Math.ceil(45 / block.positions);
}
