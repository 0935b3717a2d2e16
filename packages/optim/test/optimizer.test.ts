// The Optimizer base: parameter groups, skipped parameters, zeroGrad, closures and memory.
import { softmaxCrossEntropy, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, memory, randn, tidy, ValueError } from '@mlblocks/core-tensor';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { param, setGrad } from './helpers.js';

describe('parameter groups', () => {
  it('each group uses its own hyperparameters, the defaults fill the rest', () => {
    const a = param([1, 1]);
    const b = param([1, 1]);
    const opt = new SGD(
      [
        { params: [a], lr: 0.1 },
        { params: b, momentum: 0.5 },
      ],
      { lr: 0.01 },
    );
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0],
      [0.01, 0.5],
    ]);
    setGrad(a, [1, 2]);
    setGrad(b, [1, 2]);
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([1 - 0.1, 1 - 0.2]);
    expect(Array.from(b.dataSync())).toEqual([1 - 0.01, 1 - 0.02]);
  });

  it('changing a group lr takes effect at the next step; addParamGroup adds parameters later', () => {
    const a = param([0]);
    const opt = new SGD([a], { lr: 1 });
    opt.paramGroups[0]!.lr = 0.5;
    setGrad(a, [1]);
    opt.step();
    expect(a.item()).toBe(-0.5);
    const b = param([0]);
    opt.addParamGroup({ params: [b], lr: 2 });
    setGrad(b, [1]);
    opt.step();
    expect(b.item()).toBe(-2);
    expect(a.item()).toBe(-1);
  });

  it('accepts any iterable of tensors (a generator, as Module.parameters() may return)', () => {
    const ps = [param([1]), param([2])];
    function* gen() {
      yield* ps;
    }
    const opt = new Adam(gen());
    expect(opt.paramGroups[0]!.params).toEqual(ps);
    expect(new SGD(ps[0]!).paramGroups[0]!.params).toEqual([ps[0]]);
  });

  it('refuses empty lists, duplicates, non-leaves, non-tensors and unknown options', () => {
    const a = param([1]);
    expect(() => new SGD([])).toThrow(ValueError);
    expect(() => new SGD([])).toThrow(/empty parameter list/);
    expect(() => new SGD([a, a])).toThrow(/appears twice/);
    expect(() => new SGD([{ params: [a] }, { params: [a] }])).toThrow(
      /group 1: params\[0\] is already in group 0/,
    );
    expect(() => new SGD([a.mul(2)])).toThrow(/not a leaf tensor/);
    expect(() => new SGD([a, { params: [a] }] as never)).toThrow(/not a mix/);
    expect(() => new SGD([{ params: [a], lr: 0.1, mometum: 0.9 }] as never)).toThrow(
      /unknown option 'mometum'/,
    );
    expect(() => new SGD([{ params: [a], lr: -0.1 }])).toThrow(/SGD: group 0: lr must be ≥ 0/);
    expect(() => new SGD([1, 2] as never)).toThrow(/params\[0\] is neither a Tensor nor a parameter group/);
  });
});

describe('step and zeroGrad', () => {
  it('skips parameters without a gradient and frozen ones', () => {
    const a = param([1]);
    const b = param([1]);
    const frozen = param([1]);
    const opt = new SGD([a, b, frozen], { lr: 1, momentum: 0.9 });
    setGrad(a, [1]);
    setGrad(frozen, [1]);
    frozen.requiresGrad = false;
    opt.step();
    expect([a.item(), b.item(), frozen.item()]).toEqual([0, 1, 1]);
    expect(opt.getState(b)).toBeUndefined();
    expect(opt.getState(a)!.step).toBe(1);
  });

  it('zeroGrad clears every gradient', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new Adam([{ params: [a] }, { params: [b] }]);
    a.mul(b).sum().backward();
    expect(a.grad).not.toBeNull();
    opt.zeroGrad();
    expect([a.grad, b.grad]).toEqual([null, null]);
  });

  it('step(closure) recomputes the loss with gradients recorded and returns it', () => {
    const w = param([3]);
    const opt = new SGD([w], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.square().sum(); // dl/dw = 2w = 6
      l.backward();
      return l.item();
    });
    expect(loss).toBe(9);
    expect(w.item()).toBe(3 - 0.25 * 6);
  });

  it('works inside a user tidy (state arrays survive the scope)', () => {
    const w = param([1, 2]);
    const opt = new Adam([w], { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      tidy(() => {
        w.square().sum().backward();
        opt.step();
        opt.zeroGrad();
      });
    }
    expect(opt.getState(w)!.step).toBe(3);
    expect(opt.getState(w)!.buffers.expAvg!.isDisposed).toBe(false);
  });

  it('holds memory flat over a long training loop, for every optimizer', () => {
    const gen = new Generator(7);
    const x = tensor(randn([16, 4], { generator: gen }));
    const y = fromArray(
      Array.from({ length: 16 }, (_, i) => i % 3),
      { dtype: 'int32' },
    );
    const makers = [
      (ps: ReturnType<typeof param>[]) =>
        new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
      (ps: ReturnType<typeof param>[]) => new Adam(ps, { amsgrad: true, weightDecay: 1e-3 }),
      (ps: ReturnType<typeof param>[]) => new AdamW(ps),
      (ps: ReturnType<typeof param>[]) => new RMSprop(ps, { centered: true, momentum: 0.9 }),
      (ps: ReturnType<typeof param>[]) => new Adagrad(ps, { lrDecay: 0.01 }),
    ];
    for (const make of makers) {
      const w = tensor(randn([4, 3], { generator: gen }), { requiresGrad: true });
      const b = tensor(randn([3], { generator: gen }), { requiresGrad: true });
      const opt = make([w, b]);
      const train = () =>
        tidy(() => {
          softmaxCrossEntropy(x.matmul(w).add(b), y).backward();
          opt.step();
          opt.zeroGrad();
        });
      train(); // the first step creates the state
      const before = memory().ndarrays;
      for (let i = 0; i < 300; i++) train();
      expect(memory().ndarrays, opt.name).toBe(before);
      opt.dispose();
      expect(opt.getState(w)).toBeUndefined();
    }
  });
});
