// The wasm backend against the CPU reference: the shared conformance suite (every primitive, every
// op of core-tensor's op lists, every dtype, awkward shapes and views) on 1 thread ('wasm') and on
// 2 threads with every product split ('wasm2'), then what only this backend has: bit-identical
// products on any thread count, a flat heap, and out-of-memory as a typed error.
//
// It declares no skips and no looser tolerances: float32 kernels compute element-wise
// transcendentals in float64 like the CPU; the fused cross-entropy and recurrent cells use
// four-lane float32 exp/tanh (assembly/vector-math.ts), checked below across their whole range.

import { describeConformance } from '@mlblocks/backend-conformance';
import {
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  fromArray,
  Generator,
  gruCell,
  gruCellGrad,
  lstmCell,
  lstmCellGrad,
  memory,
  type NDArray,
  randn,
  softmaxCrossEntropyGrad,
  softmaxCrossEntropyRows,
  tidy,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import { wasm, wasm2 } from './backends.js';

const gen = new Generator(11);
const rn = (...shape: number[]) => randn(shape, { generator: gen });

const WASM = { skip: { dtypes: { float16: 'wasm SIMD has no half-precision lanes' } } };
describeConformance('wasm', WASM);
describeConformance('wasm2', WASM);

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

describe('four-lane exp/tanh in the fused kernels, across their range', () => {
  // within the suite's 'transcendental' class: |Δ| ≤ 1e-6·(1 + |cpu|), NaN where the CPU has NaN
  const close = (got: NDArray, want: NDArray) => {
    const [g, w] = [got.dataSync(), want.dataSync()];
    for (let i = 0; i < w.length; i++) {
      if (Number.isNaN(w[i]!)) expect(g[i], `element ${i}`).toBeNaN();
      else
        expect(Math.abs(g[i]! - w[i]!), `element ${i}: cpu ${w[i]}, wasm ${g[i]}`).toBeLessThanOrEqual(
          1e-6 * (1 + Math.abs(w[i]!)),
        );
    }
  };
  // pre-activations from −60 to 60, tiny ones, and odd widths (a 4-lane body and a tail)
  const wide = (rows: number, cols: number) =>
    fromArray(
      Float32Array.from({ length: rows * cols }, (_, i) => 60 * Math.sin(0.7 * i) * (i % 3 === 0 ? 1e-7 : 1)),
      { shape: [rows, cols] },
    );

  it('cross-entropy rows and gradient: logits spread over ±200, −∞ entries, a NaN row', () => {
    for (const n of [1, 3, 7, 10_001]) {
      const x = wide(3, n).mul(200 / 60);
      const values = [...x.dataSync()];
      values[n > 1 ? 1 : 0] = Number.NEGATIVE_INFINITY;
      values[2 * n] = Number.NaN;
      const logits = fromArray(Float32Array.from(values), { shape: [3, n] });
      const labels = fromArray(Int32Array.from([0, n - 1, n >> 1]), { shape: [3] });
      const scale = fromArray([1, 0.5, 2], { shape: [3] });
      const run = (backend: string) => {
        const [z, y, s] = [logits.to(backend), labels.to(backend), scale.to(backend)];
        const rows = softmaxCrossEntropyRows(z, y);
        return { loss: rows.loss, grad: softmaxCrossEntropyGrad(z, y, rows, s) };
      };
      const [cpu, got] = [run('cpu'), run('wasm')];
      close(got.loss, cpu.loss);
      close(got.grad, cpu.grad);
    }
  });

  it('LSTM and GRU cells and their gradients: saturated, tiny and NaN pre-activations', () => {
    for (const H of [1, 5, 8]) {
      const B = 3;
      const gates = wide(B, 4 * H);
      const c = wide(B, H).mul(0.1);
      const gv = [...gates.dataSync()];
      gv[1] = Number.NaN;
      const g = fromArray(Float32Array.from(gv), { shape: [B, 4 * H] });
      const dOut = wide(B, 2 * H).mul(0.01);
      const gi = wide(B, 3 * H);
      const gh = wide(B, 3 * H).mul(-0.5);
      const h = wide(B, H).mul(0.01);
      const dh = wide(B, H).mul(0.02);
      const run = (backend: string) => {
        const on = (a: NDArray) => a.to(backend);
        const out = lstmCell(on(g), on(c));
        return [
          out,
          ...lstmCellGrad(on(g), on(c), out, on(dOut)),
          gruCell(on(gi), on(gh), on(h)),
          ...gruCellGrad(on(gi), on(gh), on(h), on(dh)),
        ];
      };
      const [cpu, got] = [run('cpu'), run('wasm')];
      cpu.forEach((want, i) => {
        close(got[i]!, want);
      });
    }
  });
});
