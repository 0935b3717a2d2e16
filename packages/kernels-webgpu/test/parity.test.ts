// Every primitive of the WebGPU backend against the CPU reference, through the public NDArray API,
// on random inputs: size 1, sizes that are not multiples of the workgroup (64) or the matmul tile
// (32), broadcasting, and non-contiguous views (transposed, sliced with steps).
//
// Tolerances (relative, plus the same absolute floor): exact for data movement, casts, integer
// ops, comparisons and selections; 1e-6 for + − × ÷ on float32 (the CPU computes in float64 then
// rounds); 2e-6 for exp/log/sqrt/sin/cos/tanh/sigmoid (WGSL builtins); 2e-6 absolute for erf
// (a 1.5e-7-accurate approximation); 1e-5 for sums and softmax (different summation order);
// 1e-4 for matmul (K-long dot products).

import { expectMatchesCpu } from '@mlblocks/backend-conformance';
import {
  BackendError,
  concat,
  fromArray,
  Generator,
  memory,
  type NDArray,
  oneHot,
  randint,
  randn,
  stack,
  tidy,
  where,
  zeros,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import { gpu, noAdapter } from './adapter.js';

const gen = new Generator(11);
const rn = (...shape: number[]) => randn(shape, { generator: gen });
const G = (x: NDArray) => x.to('webgpu');

async function expectParity(cpu: NDArray, onGpu: NDArray, tol = 0): Promise<void> {
  expect(onGpu.backend.name).toBe('webgpu');
  expectMatchesCpu(cpu, onGpu, await onGpu.data(), tol);
}

/** Runs `f` on CPU inputs and on the same inputs moved to the GPU, and compares. */
async function parity(inputs: NDArray[], f: (...xs: NDArray[]) => NDArray, tol = 0): Promise<void> {
  await expectParity(f(...inputs), f(...inputs.map(G)), tol);
}

const SHAPES = [[1], [63], [65], [7, 129], [3, 1, 5], [2, 3, 4, 5]];

describe.skipIf(noAdapter)(`WebGPU parity with the CPU backend (${gpu?.adapterDescription})`, () => {
  it('upload/readback and fill for every dtype; float64 is refused', async () => {
    for (const x of [
      rn(5, 3),
      randint(-9, 9, [7]),
      fromArray(new Uint8Array([0, 1, 254, 255])),
      fromArray([true, false, true]),
    ]) {
      await parity([x], (a) => a.clone());
      await parity([x], (a) => a.transpose().contiguous());
    }
    await expectParity(zeros([130], { dtype: 'int32' }), zeros([130], { dtype: 'int32', backend: 'webgpu' }));
    await expectParity(fromArray([2.5, 2.5]), fromArray([2.5, 2.5], { backend: 'webgpu' }).mul(1));
    expect(() => fromArray(new Float64Array([1]), { backend: 'webgpu' })).toThrow(BackendError);
    expect(() => fromArray(new Float64Array([1]), { backend: 'webgpu' })).toThrow(/no float64/);
  });

  it('casts between every pair of dtypes (truncation, uint8 wrap, bool)', async () => {
    const src = [
      fromArray([-2.7, -0.5, 0, 0.5, 1.9, 300.2]),
      fromArray([-3, 0, 5, 256, 1000], { dtype: 'int32' }),
      fromArray(new Uint8Array([0, 7, 255])),
      fromArray([true, false]),
    ];
    for (const x of src)
      for (const to of ['float32', 'int32', 'uint8', 'bool'] as const) await parity([x], (a) => a.cast(to));
  });

  it('unary ops on float32, on strided views', async () => {
    const ops = [
      'neg',
      'abs',
      'sign',
      'exp',
      'tanh',
      'sigmoid',
      'relu',
      'floor',
      'ceil',
      'round',
      'sin',
      'cos',
      'square',
    ] as const;
    for (const shape of SHAPES) {
      const x = rn(...shape).mul(3);
      for (const op of ops) await parity([x], (a) => a[op](), 2e-6);
      await parity([x], (a) => a.abs().add(0.1).log(), 2e-6);
      await parity([x], (a) => a.abs().sqrt(), 2e-6);
      await parity([x], (a) => a.abs().add(0.5).reciprocal(), 1e-6);
      await parity([x], (a) => a.erf(), 2e-6);
    }
    await parity([rn(6, 9)], (a) => a.transpose().slice([null, null, 2]).exp(), 2e-6);
    await parity([fromArray([-100, 100, 0.5, -0.5, 1.5, 2.5])], (a) => a.tanh().add(a.round()), 1e-6);
  });

  it('unary ops on int32, uint8 and bool', async () => {
    const i = randint(-50, 50, [3, 67]);
    for (const op of ['neg', 'abs', 'sign', 'square', 'relu'] as const) await parity([i], (a) => a[op]());
    const u = fromArray(new Uint8Array([0, 3, 200, 255]));
    for (const op of ['neg', 'square', 'relu'] as const) await parity([u], (a) => a[op]());
    await parity([fromArray([true, false])], (a) => a.logicalNot());
  });

  it('binary ops with broadcasting and non-contiguous operands', async () => {
    const pairs: [NDArray, NDArray][] = [
      [rn(65), rn(65)],
      [rn(7, 129), rn(129)],
      [rn(3, 1, 5), rn(4, 1)],
      [rn(8, 6).transpose(), rn(6, 1)],
      [rn(10, 12).slice([1, null, 3], [null, null, -2]), rn(1)],
    ];
    for (const [a, b] of pairs) {
      for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum'] as const)
        await parity([a, b], (x, y) => x[op](y), 1e-6);
      await parity([a, b], (x, y) => x.div(y.abs().add(0.5)), 1e-6);
      for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const)
        await parity([a, b], (x, y) => x[op](y));
      await parity([a, b], (x, y) => x.gt(0).logicalAnd(y.lt(0)).logicalOr(x.eq(y)));
    }
    await parity([rn(9), fromArray([2, 3, 0, 0.5])], (x, y) => x.reshape(9, 1).abs().pow(y), 2e-6);
    await parity([fromArray([-2, -1.5, 3]), fromArray([3, 2, 0])], (x, y) => x.pow(y), 1e-6);
  });

  it('integer arithmetic wraps like the CPU (int32 and uint8)', async () => {
    const a = fromArray([2147483647, -7, 65537, 12], { dtype: 'int32' });
    const b = fromArray([1, 3, 65537, -5], { dtype: 'int32' });
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum'] as const)
      await parity([a, b], (x, y) => x[op](y));
    await parity(
      [fromArray([2, -3, 5], { dtype: 'int32' }), fromArray([10, 3, 0], { dtype: 'int32' })],
      (x, y) => x.pow(y),
    );
    const u = fromArray(new Uint8Array([250, 3, 0, 128]));
    const v = fromArray(new Uint8Array([10, 5, 1, 2]));
    for (const op of ['add', 'sub', 'mul'] as const) await parity([u, v], (x, y) => x[op](y));
  });

  it('where and clip with broadcasting', async () => {
    await parity([rn(5, 66), rn(66), rn(5, 1)], (c, a, b) => where(c.gt(0), a, b));
    await parity([rn(4, 4)], (x) => where(x.gt(0), x, 0));
    await parity([rn(70)], (x) => x.clip(-0.5, 0.5));
  });

  it('assign into strided views, including a view of the same storage', async () => {
    await parity([rn(6, 8), rn(8)], (x, row) => {
      const y = x.clone();
      y.slice([1, null, 2]).assign(row);
      y.transpose().slice(0).assign(-1);
      return y;
    });
    await parity([rn(10)], (x) => {
      const y = x.clone();
      y.slice([0, 5]).assign(y.slice([5, 10]));
      return y;
    });
    await parity([rn(3, 4), rn(2, 4), rn(3, 4)], (a, b, c) => concat([a, b, c.transpose().transpose()], 0));
    await parity([rn(3, 4), rn(3, 4)], (a, b) => stack([a, b.transpose().contiguous().transpose()], 1));
  });

  it('reductions over any axes, contiguous or not, rows of 1 to 1000 and more rows than one grid axis', async () => {
    for (const shape of SHAPES) {
      const x = rn(...shape);
      for (const axes of [undefined, 0, -1, [...new Set([0, shape.length - 1])]]) {
        await parity([x], (a) => a.sum(axes), 1e-5);
        await parity([x], (a) => a.max(axes, true));
        await parity([x], (a) => a.min(axes));
        await parity([x], (a) => a.mean(axes), 1e-5);
      }
      await parity([x], (a) => a.argmax(-1));
      await parity([x], (a) => a.argmin(0));
      await parity([x], (a) => a.abs().add(0.5).prod(-1), 1e-5);
    }
    await parity([rn(3, 1000)], (a) => a.transpose().sum(1), 1e-5);
    await parity([randint(-5, 5, [4, 99])], (a) => a.sum(1));
    await parity([randint(-5, 5, [4, 99])], (a) => a.max(1));
    await parity([fromArray(new Uint8Array([3, 250, 7]))], (a) => a.max());
    await parity([fromArray([1, 5, 5, 2])], (a) => a.argmax()); // ties: first index
    await parity([rn(70000, 2)], (a) => a.sum(1), 1e-6);
  });

  it('softmax and log-softmax, stable for logits like 1e4', async () => {
    for (const shape of [[1], [65], [5, 130], [2, 3, 7]]) {
      await parity([rn(...shape).mul(5)], (a) => a.softmax(), 1e-5);
      await parity([rn(...shape).mul(5)], (a) => a.logSoftmax(), 1e-5);
    }
    await parity([rn(6, 4)], (a) => a.softmax(0), 1e-5);
    await parity([fromArray([[1e4, 1e4 - 1, -1e4]])], (a) => a.logSoftmax(), 1e-6);
    await parity([rn(4, 9)], (a) => a.logsumexp(1), 1e-5);
  });

  it.each(['registers', 'tiled'] as const)(
    'matmul (%s kernel): edge sizes, batches with broadcast batch axes, transposed operands',
    async (kernel) => {
      const previous = gpu!.engine.matmulKernel;
      gpu!.engine.matmulKernel = kernel;
      try {
        const sizes: [number, number, number][] = [
          [1, 1, 1],
          [1, 7, 1],
          [5, 7, 3],
          [33, 65, 17],
          [64, 64, 64],
          [31, 100, 33],
          [128, 784, 10],
        ];
        for (const [M, K, N] of sizes) await parity([rn(M, K), rn(K, N)], (a, b) => a.matmul(b), 1e-4);
        await parity([rn(2, 1, 3, 4), rn(5, 4, 6)], (a, b) => a.matmul(b), 1e-4);
        await parity([rn(9, 5), rn(7, 9)], (a, b) => a.transpose().matmul(b.transpose()), 1e-4);
        await parity([rn(4), rn(4, 3)], (a, b) => a.matmul(b), 1e-4);
        await parity([rn(3, 0), rn(0, 2)], (a, b) => a.matmul(b));
        await parity([rn(70, 130), rn(130, 65)], (a, b) => a.matmul(b), 1e-4); // several tiles and K-steps, ragged edges
      } finally {
        gpu!.engine.matmulKernel = previous;
      }
    },
  );

  it('gather, scatter-add (repeated indices), PyTorch-style gather/scatterAdd, oneHot', async () => {
    const table = rn(10, 6);
    const ids = randint(0, 10, [4, 7]);
    await parity([table, ids], (t, i) => t.indexSelect(0, i));
    await parity([table, fromArray([5, 0, 5], { dtype: 'int32' })], (t, i) =>
      t.transpose().indexSelect(1, i),
    );
    const repeated = fromArray([3, 3, 1, 3, 0], { dtype: 'int32' });
    await parity([zeros([4, 3]), repeated, rn(5, 3)], (z, i, g) => z.indexAdd(0, i, g), 1e-6);
    await parity([zeros([4], { dtype: 'int32' }), repeated, randint(0, 9, [5])], (z, i, g) =>
      z.indexAdd(0, i, g),
    );
    await parity([rn(3, 5), fromArray([[4], [0], [2]], { dtype: 'int32' })], (x, i) => x.gather(1, i));
    await parity(
      [
        zeros([2, 3]),
        fromArray(
          [
            [2, 2],
            [0, 1],
          ],
          { dtype: 'int32' },
        ),
        rn(2, 2),
      ],
      (z, i, s) => z.scatterAdd(1, i, s),
      1e-6,
    );
    await parity([randint(0, 5, [9])], (i) => oneHot(i, 5));
  });

  it('one element-wise dispatch over more than 65,535 workgroups', async () => {
    const n = 65535 * 64 + 100;
    await parity([rn(n)], (a) => a.mul(2).add(1), 1e-6);
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
      await expectParity(x.exp().add(1), z, 1e-6);
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
