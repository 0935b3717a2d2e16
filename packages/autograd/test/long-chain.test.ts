// Backward walks the graph iteratively: an RNN unrolled over 2,000 steps must not overflow the stack.
import { tensor } from '@mlblocks/autograd';
import { Generator, memory, randn, tidy } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

describe('long graphs', () => {
  it('backprops through a 2,000-step tanh RNN and matches the hand-unrolled recurrence', () => {
    const gen = new Generator(1);
    const steps = 2000;
    const W = tensor(randn([4, 4], { generator: gen }).mul(0.3), { requiresGrad: true });
    const U = tensor(randn([4, 2], { generator: gen }).mul(0.3), { requiresGrad: true });
    const xs = randn([steps, 2, 1], { generator: gen });
    const before = memory().ndarrays;
    const loss = tidy(() => {
      let h = tensor([[0], [0], [0], [0]]);
      for (let t = 0; t < steps; t++)
        h = W.matmul(h)
          .add(U.matmul(tensor(xs.slice(t))))
          .tanh();
      const l = h.sum();
      l.backward();
      return l.item();
    });
    expect(Number.isFinite(loss)).toBe(true);
    expect(W.grad!.shape).toEqual([4, 4]);
    expect(Array.from(W.grad!.dataSync()).every(Number.isFinite)).toBe(true);
    // the whole unrolled graph was freed: only the two gradients remain
    expect(memory().ndarrays).toBe(before + 2);

    // gradient of the last step's dependence on U, checked against finite differences on one entry
    const f = (du: number) =>
      tidy(() => {
        const u = U.array.add(0);
        const cell = u.slice(0, 0);
        cell.assign(cell.add(du));
        let h = tensor([[0], [0], [0], [0]]).array;
        for (let t = 0; t < steps; t++)
          h = W.array
            .matmul(h)
            .add(u.matmul(xs.slice(t)))
            .tanh();
        return h.sum().item();
      });
    const eps = 1e-2;
    const numeric = (f(eps) - f(-eps)) / (2 * eps);
    expect(U.grad!.dataSync()[0]).toBeCloseTo(numeric, 2);
  });
});
