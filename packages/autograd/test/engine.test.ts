import { AutogradError, enableGrad, isGradEnabled, noGrad, Tensor, tensor } from '@mlblocks/autograd';
import {
  BackendError,
  CpuBackend,
  fromArray,
  memory,
  registerBackend,
  removeBackend,
  ShapeError,
  tidy,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

describe('backward engine', () => {
  it('computes the chain rule through a small graph', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x).sum(); // dy/dx = 2x
    y.backward();
    expect(x.grad!.toArraySync()).toEqual([2, 4, 6]);
    expect(y.gradFn!.name).toBe('sum');
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
  });

  it('accumulates across uses and across backward calls until zeroGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).add(x).sum().backward(); // 3 + 1 per element
    expect(x.grad!.toArraySync()).toEqual([4, 4]);
    x.mul(x).sum().backward(); // + 2x
    expect(x.grad!.toArraySync()).toEqual([6, 8]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('a reused intermediate node receives the sum of its gradients (diamond graph)', () => {
    const x = tensor([2], { requiresGrad: true });
    const h = x.exp(); // used twice
    h.mul(h).add(h).sum().backward(); // d/dx (e^{2x} + e^x) = 2e^{2x} + e^x
    expect(x.grad!.item()).toBeCloseTo(2 * Math.exp(4) + Math.exp(2), 3);
  });

  it('sums broadcast gradients back to the operand shape', () => {
    const w = tensor([[1, 2, 3]], { requiresGrad: true }); // [1, 3]
    const b = tensor([10], { requiresGrad: true }); // [1]
    const x = tensor([
      [1, 1, 1],
      [2, 2, 2],
    ]); // [2, 3]
    x.mul(w).add(b).sum().backward();
    expect(w.grad!.toArraySync()).toEqual([[3, 3, 3]]);
    expect(b.grad!.toArraySync()).toEqual([6]);
  });

  it('an explicit gradient seeds non-scalar outputs; a non-scalar without one is an error', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/needs a scalar/);
    expect(() => y.backward(fromArray([1, 1]))).toThrow(ShapeError);
    y.backward(fromArray([1, 0, 2]));
    expect(x.grad!.toArraySync()).toEqual([2, 0, 4]);
  });

  it('frees the graph after backward; a second backward needs retainGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.dataSync()[0]).toBeCloseTo(2 * Math.E, 5);
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
  });

  it('detects in-place modification of an array saved for backward (version counter)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    const y = w.mul(x).sum(); // mul saved x
    x.assign(fromArray([0, 0]));
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => w.mul(x).sum().backward()).not.toThrow(); // a fresh graph sees the new values
  });

  it('refuses in-place writes to leaves that require grad unless inside noGrad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.assign(0)).toThrow(/noGrad/);
    noGrad(() => w.assign(fromArray([5, 6])));
    expect(w.toArraySync()).toEqual([5, 6]);
  });

  it('noGrad records nothing; enableGrad turns recording back on inside it', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    const d = x.mul(3).detach();
    expect(d.requiresGrad).toBe(false);
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(AutogradError);
  });

  it('mixing backends is a typed error', () => {
    registerBackend('other', new CpuBackend('other'));
    try {
      const a = tensor([1, 2], { requiresGrad: true });
      const b = tensor([1, 2], { backend: 'other' });
      expect(() => a.add(b)).toThrow(BackendError);
      expect(() => a.add(b)).toThrow(/different backends \('cpu' and 'other'\)/);
    } finally {
      removeBackend('other');
    }
  });

  it('splits gradients equally between ties in maximum and max', () => {
    const a = tensor([1, 5], { requiresGrad: true });
    const b = tensor([1, 2], { requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(a.grad!.toArraySync()).toEqual([0.5, 1]);
    expect(b.grad!.toArraySync()).toEqual([0.5, 0]);
    const x = tensor([3, 1, 3], { requiresGrad: true });
    x.max().backward();
    expect(x.grad!.toArraySync()).toEqual([0.5, 0, 0.5]);
  });
});

describe('memory', () => {
  it('a 1,000-step training loop holds memory flat (graph and saved arrays are freed)', () => {
    const w = tensor(
      fromArray([
        [0.1, -0.2],
        [0.3, 0.4],
      ]),
      { requiresGrad: true },
    );
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const step = () =>
      tidy(() => {
        const loss = x.matmul(w).tanh().square().mean();
        loss.backward();
        noGrad(() => w.assign(w.array.sub(w.grad!.array.mul(0.01))));
        w.zeroGrad();
        return loss.item();
      });
    step();
    const before = memory();
    for (let i = 0; i < 1000; i++) step();
    expect(memory()).toEqual(before);
  });

  it('tidy keeps a returned tensor and its data; disposing it frees the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const before = memory().ndarrays;
    const y = tidy(() => x.exp().mul(2));
    expect(y.isDisposed).toBe(false);
    expect(y.toArraySync()).toEqual([2 * Math.exp(1), 2 * Math.exp(2)].map(Math.fround));
    y.dispose();
    expect(memory().ndarrays).toBe(before);
  });

  it('a leaf takes over a gradient nothing else holds, and copies one that is shared', () => {
    const cpu = new CpuBackend('counting');
    registerBackend('counting', cpu);
    try {
      const copy = cpu.copy;
      let copies = 0;
      cpu.copy = (...args) => {
        copies++;
        return copy.apply(cpu, args);
      };
      const x = tensor(fromArray([1, 2, 3], { backend: 'counting' }), { requiresGrad: true });
      x.mul(3).sum().backward(); // the gradient 3·1 is a fresh array: no copy
      expect(copies).toBe(0);
      expect(x.grad!.toArraySync()).toEqual([3, 3, 3]);
      // add hands one gradient to both inputs: each leaf gets its own storage
      const [a, b] = [0, 1].map(() =>
        tensor(fromArray([1, 1], { backend: 'counting' }), { requiresGrad: true }),
      );
      a!.add(b!).mul(2).sum().backward();
      expect(copies).toBe(1);
      noGrad(() => a!.grad!.array.assign(fromArray([7, 7], { backend: 'counting' })));
      expect(b!.grad!.toArraySync()).toEqual([2, 2]);
      // the caller's seed is copied, never aliased
      const seed = fromArray([1, 1], { backend: 'counting' });
      const c = tensor(fromArray([5, 6], { backend: 'counting' }), { requiresGrad: true });
      c.add(0).backward(seed);
      noGrad(() => c.grad!.array.assign(fromArray([9, 9], { backend: 'counting' })));
      expect(seed.toArraySync()).toEqual([1, 1]);
    } finally {
      removeBackend('counting');
    }
  });

  it('leaf gradients survive the scope the backward ran in', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    tidy(() => w.mul(w).sum().backward());
    expect(w.grad!.toArraySync()).toEqual([2, 4]);
    expect(w.grad).toBeInstanceOf(Tensor);
  });
});

describe('gradient ownership', () => {
  it("leaf gradients never alias each other or the caller's seed", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const seed = fromArray([1, 1]);
    a.add(b).backward(seed); // add hands the same gradient to both inputs
    noGrad(() => a.grad!.assign(fromArray([9, 9])));
    expect(b.grad!.toArraySync()).toEqual([1, 1]);
    expect(seed.toArraySync()).toEqual([1, 1]);
  });
});
