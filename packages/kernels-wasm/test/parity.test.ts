// The wasm backend against the CPU reference: the shared conformance suite (every primitive, every
// op of core-tensor's op lists, every dtype, awkward shapes and views) on 1 thread ('wasm') and on
// 2 threads with every product split ('wasm2'), then what only this backend has: bit-identical
// products on any thread count, a flat heap, and out-of-memory as a typed error.
//
// It declares no skips and no looser tolerances: float32 kernels compute transcendentals in
// float64 like the CPU, and everything else (float64, integer arithmetic) runs the CPU kernels.

import { describeConformance } from '@mlblocks/backend-conformance';
import {
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  Generator,
  memory,
  type NDArray,
  randn,
  tidy,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import { wasm, wasm2 } from './backends.js';

const gen = new Generator(11);
const rn = (...shape: number[]) => randn(shape, { generator: gen });

describeConformance('wasm');
describeConformance('wasm2');

describe(`wasm backend (relaxed SIMD: ${wasm.info.relaxedSimd})`, () => {
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

  it('1 and 2 threads give bit-identical convolutions and gradients (calls split by image, by rows, by columns)', () => {
    for (const [xs, ws, o] of [
      [[4, 8, 12, 12], [16, 8, 3, 3], { padding: 1 }],
      [[1, 3, 20, 20], [6, 3, 5, 5], { stride: 2 }],
      [[1, 2, 9, 9], [3, 2, 3, 3], { dilation: 2 }],
    ] as const) {
      const [x, w] = [rn(...xs), rn(...ws)];
      const run = (backend: string) => {
        const [xb, wb] = [x.to(backend), w.to(backend)];
        const y = conv2d(xb, wb, o);
        const dy = y.mul(0.5).add(1);
        const dx = conv2dInputGrad(dy, wb, [xs[2], xs[3]], o);
        const dw = conv2dWeightGrad(xb, dy, [ws[2], ws[3]], o);
        return [y, dx, dw].map((a) => [...a.dataSync()]);
      };
      expect(run('wasm2')).toEqual(run('wasm'));
    }
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
