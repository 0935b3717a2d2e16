// Every primitive of the wasm backend against the CPU reference, through the public NDArray API,
// on random inputs: size 1, sizes that are not multiples of the SIMD width (4) or the matmul
// tile (4×8) or blocks (64/256/512), broadcasting, and non-contiguous views (transposed, sliced
// with steps, negative steps) — each on 1 thread ('wasm') and on 2 threads with every product
// split ('wasm2').
//
// Tolerances (relative, plus the same absolute floor): exact for data movement, casts, integer
// ops (they run the CPU kernels), comparisons, selections, + − × ÷ min max on float32 (the CPU
// computes in float64 and rounds: the same result), and exp/log/tanh/… (computed in float64 in
// wasm too); 1e-6 for pow/erf/sin/cos (another float64 libm); 1e-6 for sums (float64
// accumulation, other order) and softmax; 1e-4 for matmul (float32 accumulation, K-long dots).

import { expectMatchesCpu } from '@mlblocks/backend-conformance';
import {
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
import { wasm, wasm2 } from './backends.js';

const gen = new Generator(11);
const rn = (...shape: number[]) => randn(shape, { generator: gen });

function expectParity(cpu: NDArray, onWasm: NDArray, name: string, tol: number): void {
  expect(onWasm.backend.name).toBe(name);
  expectMatchesCpu(cpu, onWasm, onWasm.dataSync(), tol);
}

/** Runs `f` on CPU inputs and on the same inputs moved to wasm (1 and 2 threads), and compares. */
function parity(inputs: NDArray[], f: (...xs: NDArray[]) => NDArray, tol = 0): void {
  const want = f(...inputs);
  for (const name of ['wasm', 'wasm2']) {
    const moved = inputs.map((x) => x.to(name));
    expectParity(want, f(...moved), name, tol);
  }
}

const SHAPES = [[1], [3], [63], [65], [7, 129], [3, 1, 5], [2, 3, 4, 5]];

describe(`wasm parity with the CPU backend (relaxed SIMD: ${wasm.info.relaxedSimd})`, () => {
  it('upload/readback and fill for every dtype, float64 included', () => {
    for (const x of [
      rn(5, 3),
      randint(-9, 9, [7]),
      fromArray(new Uint8Array([0, 1, 254, 255])),
      fromArray([true, false, true]),
      fromArray(new Float64Array([Math.PI, -1e300, 5e-324])),
    ]) {
      parity([x], (a) => a.clone());
      parity([x], (a) => a.transpose().contiguous());
    }
    for (const dtype of ['float32', 'int32', 'uint8', 'bool', 'float64'] as const) {
      expectParity(zeros([130], { dtype }), zeros([130], { dtype, backend: 'wasm' }), 'wasm', 0);
    }
    expectParity(fromArray([2.5, 2.5]), fromArray([2.5, 2.5], { backend: 'wasm' }).mul(1), 'wasm', 0);
  });

  it('casts between every pair of dtypes (truncation, uint8 wrap, bool)', () => {
    const src = [
      fromArray([-2.7, -0.5, 0, 0.5, 1.9, 300.2, Number.NaN]),
      fromArray([-3, 0, 5, 256, 1000], { dtype: 'int32' }),
      fromArray(new Uint8Array([0, 7, 255])),
      fromArray([true, false]),
      fromArray(new Float64Array([1e10, -2.5, 0.1])),
    ];
    for (const x of src)
      for (const to of ['float32', 'int32', 'uint8', 'bool', 'float64'] as const)
        parity([x], (a) => a.cast(to));
  });

  it('unary ops on float32, on strided views', () => {
    const exact = [
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
      'square',
    ];
    for (const shape of SHAPES) {
      const x = rn(...shape).mul(3);
      for (const op of exact as (keyof NDArray & 'neg')[]) parity([x], (a) => a[op](), 1e-7);
      for (const op of ['sin', 'cos', 'erf'] as const) parity([x], (a) => a[op](), 1e-6);
      parity([x], (a) => a.abs().add(0.1).log(), 1e-7);
      parity([x], (a) => a.abs().sqrt());
      parity([x], (a) => a.abs().add(0.5).reciprocal());
    }
    parity([rn(6, 9)], (a) => a.transpose().slice([null, null, 2]).exp(), 1e-7);
    parity([rn(10, 12)], (a) => a.slice([null, null, -3], [1, 9]).relu());
    parity([fromArray([-100, 100, 0.5, -0.5, 1.5, 2.5, -2.5, Number.NaN, -0])], (a) =>
      a.round().add(a.relu()),
    );
    parity([fromArray([Number.NaN, Number.POSITIVE_INFINITY, -0, 0])], (a) => a.sign().add(a.sigmoid()));
  });

  it('unary ops on int32, uint8, bool and float64', () => {
    const i = randint(-50, 50, [3, 67]);
    for (const op of ['neg', 'abs', 'sign', 'square', 'relu'] as const) parity([i], (a) => a[op]());
    const u = fromArray(new Uint8Array([0, 3, 200, 255]));
    for (const op of ['neg', 'square', 'relu'] as const) parity([u], (a) => a[op]());
    parity([fromArray([true, false])], (a) => a.logicalNot());
    parity([rn(4, 5).cast('float64')], (a) => a.exp().tanh());
  });

  it('binary ops with broadcasting and non-contiguous operands', () => {
    const pairs: [NDArray, NDArray][] = [
      [rn(1), rn(1)],
      [rn(65), rn(65)],
      [rn(7, 129), rn(129)],
      [rn(3, 1, 5), rn(4, 1)],
      [rn(8, 6).transpose(), rn(6, 1)],
      [rn(10, 12).slice([1, null, 3], [null, null, -2]), rn(1)],
      [rn(1), rn(2, 3, 4, 5)],
    ];
    for (const [a, b] of pairs) {
      for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum'] as const)
        parity([a, b], (x, y) => x[op](y));
      parity([a, b], (x, y) => x.div(y.abs().add(0.5)));
      for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) parity([a, b], (x, y) => x[op](y));
      parity([a, b], (x, y) => x.gt(0).logicalAnd(y.lt(0)).logicalOr(x.eq(y)));
    }
    parity([rn(9), fromArray([2, 3, 0, 0.5])], (x, y) => x.reshape(9, 1).abs().pow(y), 1e-6);
    parity([fromArray([-2, -1.5, 3]), fromArray([3, 2, 0])], (x, y) => x.pow(y), 1e-6);
    parity([fromArray([1, Number.NaN, -0, 3]), fromArray([Number.NaN, 2, 0, 3])], (x, y) =>
      stack([x.maximum(y), x.minimum(y), x.eq(y).cast('float32'), x.div(y)]),
    );
    parity([rn(3, 4).cast('float64'), rn(4).cast('float64')], (x, y) => x.mul(y).sub(y));
  });

  it('integer arithmetic wraps like the CPU (int32 and uint8)', () => {
    const a = fromArray([2147483647, -7, 65537, 12], { dtype: 'int32' });
    const b = fromArray([1, 3, 65537, -5], { dtype: 'int32' });
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum'] as const) parity([a, b], (x, y) => x[op](y));
    parity([fromArray([2, -3, 5], { dtype: 'int32' }), fromArray([10, 3, 0], { dtype: 'int32' })], (x, y) =>
      x.pow(y),
    );
    const u = fromArray(new Uint8Array([250, 3, 0, 128]));
    const v = fromArray(new Uint8Array([10, 5, 1, 2]));
    for (const op of ['add', 'sub', 'mul'] as const) parity([u, v], (x, y) => x[op](y));
  });

  it('where and clip with broadcasting, every dtype', () => {
    parity([rn(5, 66), rn(66), rn(5, 1)], (c, a, b) => where(c.gt(0), a, b));
    parity([rn(4, 4)], (x) => where(x.gt(0), x, 0));
    parity([rn(70)], (x) => x.clip(-0.5, 0.5));
    parity([rn(6), randint(0, 9, [6]), randint(0, 9, [2, 6])], (c, a, b) => where(c.gt(0), a, b));
    parity([rn(6), rn(6).cast('float64')], (c, a) => where(c.gt(0), a, 1));
    parity([rn(3, 3), rn(3, 3)], (c, a) => where(c.gt(0), a.gt(0), c.lt(-1)));
  });

  it('assign into strided views, including a view of the same storage', () => {
    parity([rn(6, 8), rn(8)], (x, row) => {
      const y = x.clone();
      y.slice([1, null, 2]).assign(row);
      y.transpose().slice(0).assign(-1);
      return y;
    });
    parity([rn(10)], (x) => {
      const y = x.clone();
      y.slice([0, 5]).assign(y.slice([5, 10]));
      y.slice([1, 10]).assign(y.slice([0, 9]));
      return y;
    });
    parity([rn(3, 4), rn(2, 4), rn(3, 4)], (a, b, c) => concat([a, b, c.transpose().transpose()], 0));
    parity([rn(3, 4), rn(3, 4)], (a, b) => stack([a, b.transpose().contiguous().transpose()], 1));
    parity([randint(0, 5, [4, 3]).cast('uint8')], (a) =>
      concat([a, a.transpose().contiguous().reshape(4, 3)], 1),
    );
  });

  it('reductions over any axes, contiguous or not', () => {
    for (const shape of SHAPES) {
      const x = rn(...shape);
      for (const axes of [undefined, 0, -1, [...new Set([0, shape.length - 1])]]) {
        parity([x], (a) => a.sum(axes), 1e-6);
        parity([x], (a) => a.max(axes, true));
        parity([x], (a) => a.min(axes));
        parity([x], (a) => a.mean(axes), 1e-6);
      }
      parity([x], (a) => a.argmax(-1));
      parity([x], (a) => a.argmin(0));
      parity([x], (a) => a.abs().add(0.5).prod(-1), 1e-6);
    }
    parity([rn(3, 1000)], (a) => a.transpose().sum(1), 1e-6);
    parity([rn(257, 33)], (a) => a.sum(0), 1e-6);
    parity([randint(-5, 5, [4, 99])], (a) => a.sum(1));
    parity([randint(-5, 5, [4, 99])], (a) => a.max(1));
    parity([fromArray(new Uint8Array([3, 250, 7]))], (a) => a.max());
    parity([fromArray([1, 5, 5, 2])], (a) => a.argmax()); // ties: first index
    parity([fromArray([1, Number.NaN, 5, Number.NaN, 2, 0, 0, 0])], (a) =>
      stack([a.max().reshape(1), a.min().reshape(1), a.argmax().cast('float32').reshape(1)]),
    );
    parity([rn(5, 7).cast('float64')], (a) => a.sum(1));
  });

  it('reductions over middle axes read rows in place (sum, max, min; NaN propagates)', () => {
    const x = rn(2, 3, 4, 5);
    for (const axes of [1, 2, [1, 2]]) {
      parity([x], (a) => a.sum(axes), 1e-6);
      parity([x], (a) => a.max(axes));
      parity([x], (a) => a.min(axes, true));
    }
    parity([rn(6, 4, 7)], (a) => a.transpose(0, 2).transpose(0, 2).max(1)); // a view of the same layout
    parity([rn(5, 9, 3)], (a) => a.slice(null, [1, 8]).max(1)); // strided: not one block
    const withNaN = rn(3, 4, 6);
    withNaN.slice(1, 2, 3).assign(Number.NaN);
    parity([withNaN], (a) => stack([a.max(1), a.min(1), a.sum(1)]), 1e-6);
  });

  it('gather and scatter-add by runs of consecutive indices (im2col), masks and casts by SIMD', () => {
    const runs = fromArray([0, 1, 2, 3, 4, 9, 10, 5, 6, 7, 8, 2, 3, 20, 21, 22], { dtype: 'int32' });
    parity([rn(3, 23), runs], (a, i) => a.indexSelect(1, i));
    parity([rn(3, 16), runs], (g, i) => zeros([3, 23], { backend: g.backend.name }).indexAdd(1, i, g));
    parity([rn(2, 5, 23), runs], (a, i) => a.reshape(10, 23).indexSelect(1, i).reshape(2, 5, 16));
    for (const n of [1, 4, 7, 66]) {
      const x = rn(n);
      parity([x], (a) => where(a.gt(0), a, 0));
      parity([x, rn(n)], (a, b) => where(a.lt(0.3), b, a));
      parity([x], (a) => a.gt(0).cast('float32'));
      parity([randint(-70000, 70000, [n])], (a) => a.cast('float32'));
      parity([randint(0, 255, [n]).cast('uint8')], (a) => a.cast('float32'));
    }
    parity([randint(-9, 9, [5, 6])], (a) => a.transpose().cast('float32')); // strided: CPU path
  });

  it('softmax and log-softmax, stable for logits like 1e4', () => {
    for (const shape of [[1], [65], [5, 130], [2, 3, 7]]) {
      parity([rn(...shape).mul(5)], (a) => a.softmax(), 1e-6);
      parity([rn(...shape).mul(5)], (a) => a.logSoftmax(), 1e-6);
    }
    parity([rn(6, 4)], (a) => a.softmax(0), 1e-6);
    parity([fromArray([[1e4, 1e4 - 1, -1e4]])], (a) => a.logSoftmax(), 1e-6);
    parity([rn(4, 9)], (a) => a.logsumexp(1), 1e-6);
    parity([rn(4, 9).cast('float64')], (a) => a.logSoftmax());
  });

  it('matmul: edge sizes, blocks, batches with broadcast batch axes, transposed operands', () => {
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [1, 7, 1],
      [5, 7, 3],
      [4, 8, 8],
      [33, 65, 17],
      [64, 64, 64],
      [31, 100, 33],
      [128, 784, 10],
      [67, 300, 530], // more than one K block (256) and N block (512)
    ];
    for (const [M, K, N] of sizes) parity([rn(M, K), rn(K, N)], (a, b) => a.matmul(b), 1e-4);
    parity([rn(2, 1, 3, 4), rn(5, 4, 6)], (a, b) => a.matmul(b), 1e-4);
    parity([rn(9, 5), rn(7, 9)], (a, b) => a.transpose().matmul(b.transpose()), 1e-4);
    parity(
      [rn(12, 10), rn(10, 9)],
      (a, b) => a.slice([null, null], [null, null, -2]).matmul(b.slice([null, null, 2])),
      1e-4,
    );
    parity([rn(4), rn(4, 3)], (a, b) => a.matmul(b), 1e-4);
    parity([rn(3, 0), rn(0, 2)], (a, b) => a.matmul(b));
    parity([rn(3, 5).cast('float64'), rn(5, 2).cast('float64')], (a, b) => a.matmul(b), 1e-12);
  });

  it('gather, scatter-add (repeated indices), PyTorch-style gather/scatterAdd, oneHot', () => {
    const table = rn(10, 6);
    const ids = randint(0, 10, [4, 7]);
    parity([table, ids], (t, i) => t.indexSelect(0, i));
    parity([table, fromArray([5, 0, 5], { dtype: 'int32' })], (t, i) => t.transpose().indexSelect(1, i));
    parity([randint(0, 9, [10, 3]), ids], (t, i) => t.indexSelect(0, i));
    parity([table.cast('float64'), ids], (t, i) => t.indexSelect(0, i));
    const repeated = fromArray([3, 3, 1, 3, 0], { dtype: 'int32' });
    parity([zeros([4, 3]), repeated, rn(5, 3)], (z, i, g) => z.indexAdd(0, i, g));
    parity([zeros([4, 5]), repeated, rn(5, 4)], (z, i, g) => z.indexAdd(1, i, g.transpose()));
    parity([zeros([4], { dtype: 'int32' }), repeated, randint(0, 9, [5])], (z, i, g) => z.indexAdd(0, i, g));
    parity([rn(3, 5), fromArray([[4], [0], [2]], { dtype: 'int32' })], (x, i) => x.gather(1, i));
    parity(
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
    );
    parity([randint(0, 5, [9])], (i) => oneHot(i, 5));
  });

  it('1 and 2 threads give bit-identical products at sizes that split rows, columns and batches', () => {
    for (const [a, b] of [
      [rn(203, 301), rn(301, 77)],
      [rn(3, 50), rn(50, 333)],
      [rn(5, 17, 9), rn(5, 9, 21)],
      [rn(130, 70).transpose(), rn(130, 90)],
    ] as [NDArray, NDArray][]) {
      const one = a.to('wasm').matmul(b.to('wasm')).dataSync();
      const two = a.to('wasm2').matmul(b.to('wasm2')).dataSync();
      expect(two).toEqual(one);
    }
    expect(wasm2.info.threads).toBe(2);
  });

  it('memory: a tidy loop holds live buffers and the wasm heap flat; out of memory is a typed error', async () => {
    const w = rn(32, 32).to('wasm');
    const body = () =>
      tidy(() => void w.matmul(w).tanh().softmax().sum().add(w.transpose().exp().max(0).sum()));
    body();
    const before = memory().backends.wasm!;
    const heap = wasm.heap.allocator.reserved;
    for (let i = 0; i < 200; i++) body();
    expect(memory().backends.wasm).toEqual(before);
    expect(wasm.heap.allocator.reserved).toBe(heap);
    w.dispose();
    const { createWasmBackend } = await import('./backends.js');
    const small = await createWasmBackend({ maxMemoryMB: 8, name: 'small' });
    expect(() => small.alloc('float32', 4 * 2 ** 20)).toThrow(/out of memory/);
    small.dispose();
  });
});
