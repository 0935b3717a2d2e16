// Autograd on the wasm backend: the same loss and gradients as on the CPU, and a 1,000-step
// training loop whose live buffers, bytes and wasm heap stay flat (the allocator reuses blocks).
import { noGrad, softmaxCrossEntropy, type Tensor, tensor } from '@mlblocks/autograd';
import { Generator, memory, randint, randn, tidy } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import { wasm } from './backends.js';

const gen = new Generator(3);
const x = randn([16, 20], { generator: gen });
const labels = randint(0, 5, [16], { generator: gen });
const w1 = randn([20, 32], { generator: gen }).mul(0.2);
const w2 = randn([32, 5], { generator: gen }).mul(0.2);

function gradients(backend: string) {
  const [a, b] = [
    tensor(w1.to(backend), { requiresGrad: true }),
    tensor(w2.to(backend), { requiresGrad: true }),
  ];
  const logits = tensor(x.to(backend)).matmul(a).tanh().matmul(b);
  const loss = softmaxCrossEntropy(logits, labels.to(backend));
  loss.backward();
  return { loss, grads: [a.grad!, b.grad!] as Tensor[] };
}

describe('autograd on wasm', () => {
  it('an MLP with cross-entropy gets the same loss and gradients as on the CPU (1 and 2 threads)', () => {
    const cpu = gradients('cpu');
    for (const name of ['wasm', 'wasm2']) {
      const got = gradients(name);
      expect(got.loss.item()).toBeCloseTo(cpu.loss.item(), 5);
      for (const [i, g] of got.grads.entries()) {
        const want = cpu.grads[i]!.dataSync();
        const have = g.dataSync();
        for (let j = 0; j < want.length; j++)
          expect(Math.abs(have[j]! - want[j]!)).toBeLessThan(1e-5 * (1 + Math.abs(want[j]!)));
      }
    }
  });

  it('1,000 training steps keep live buffers, bytes and the wasm heap flat', () => {
    const a = tensor(w1.to('wasm'), { requiresGrad: true });
    const b = tensor(w2.to('wasm'), { requiresGrad: true });
    const xs = tensor(x.to('wasm'));
    const ys = labels.to('wasm');
    const step = () =>
      tidy(() => {
        const loss = softmaxCrossEntropy(xs.matmul(a).relu().matmul(b), ys);
        loss.backward();
        noGrad(() => {
          for (const p of [a, b]) p.assign(p.array.sub(p.grad!.array.mul(0.05)));
        });
        a.zeroGrad();
        b.zeroGrad();
        return loss.detach();
      });
    const first = step();
    const firstLoss = first.item();
    first.dispose();
    const before = memory().backends.wasm;
    const heap = wasm.heap.allocator.reserved;
    let last = step();
    for (let i = 1; i < 1000; i++) {
      last.dispose();
      last = step();
    }
    const lastLoss = last.item();
    last.dispose();
    expect(memory().backends.wasm).toEqual(before);
    expect(wasm.heap.allocator.reserved).toBe(heap);
    expect(lastLoss).toBeLessThan(firstLoss * 0.5); // and it learned
  });
});
