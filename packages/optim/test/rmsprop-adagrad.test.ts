// RMSprop and Adagrad's first steps against PyTorch's update rules written out by hand in plain JS.
import { Adagrad, type AdagradOptions, RMSprop, type RMSpropOptions } from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { expectClose, gradAt, param, START, trajectory } from './helpers.js';

function rmspropReference(o: RMSpropOptions, steps = 3): number[][] {
  const theta = [...START];
  const s = [0, 0, 0];
  const mean = [0, 0, 0];
  const buf = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const grad = gradAt(t);
    for (let i = 0; i < 3; i++) {
      const g = grad[i]! + o.weightDecay * theta[i]!;
      s[i] = o.alpha * s[i]! + (1 - o.alpha) * g * g;
      let d: number;
      if (o.centered) {
        mean[i] = o.alpha * mean[i]! + (1 - o.alpha) * g;
        d = Math.sqrt(s[i]! - mean[i]! ** 2) + o.eps;
      } else {
        d = Math.sqrt(s[i]!) + o.eps;
      }
      if (o.momentum > 0) {
        buf[i] = o.momentum * buf[i]! + g / d;
        theta[i] = theta[i]! - o.lr * buf[i]!;
      } else {
        theta[i] = theta[i]! - (o.lr * g) / d;
      }
    }
    out.push([...theta]);
  }
  return out;
}

function adagradReference(o: AdagradOptions, steps = 3): number[][] {
  const theta = [...START];
  const sum = [0, 0, 0].fill(o.initialAccumulatorValue);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const grad = gradAt(t);
    const clr = o.lr / (1 + (t - 1) * o.lrDecay);
    for (let i = 0; i < 3; i++) {
      const g = grad[i]! + o.weightDecay * theta[i]!;
      sum[i] = sum[i]! + g * g;
      theta[i] = theta[i]! - (clr * g) / (Math.sqrt(sum[i]!) + o.eps);
    }
    out.push([...theta]);
  }
  return out;
}

const rms: RMSpropOptions = {
  lr: 0.01,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
};

describe('RMSprop', () => {
  it('first step by hand: s = (1 − α)·g², θ ← θ − η·g/(√s + ε)', () => {
    const p = param(START);
    const opt = new RMSprop([p], { lr: 0.01 });
    const steps = trajectory(() => opt.step(), p);
    // element 0: s = 0.01·0.01 = 1e-4, √s = 0.01 → step 0.01·0.1/0.01 = 0.1
    expect(steps[0]![0]).toBeCloseTo(1 - 0.01 * (0.1 / (0.01 + 1e-8)), 12);
    expectClose(steps, rmspropReference(rms));
  });

  it('centered, momentum, weight decay and combinations', () => {
    const variants: Partial<RMSpropOptions>[] = [
      { centered: true },
      { momentum: 0.9 },
      { weightDecay: 0.1 },
      { centered: true, momentum: 0.5, weightDecay: 0.01, alpha: 0.9, lr: 0.05 },
    ];
    for (const variant of variants) {
      const p = param(START);
      const opt = new RMSprop([p], variant);
      expectClose(
        trajectory(() => opt.step(), p, 4),
        rmspropReference({ ...rms, ...variant }, 4),
      );
      const names = Object.keys(opt.getState(p)!.buffers).sort();
      expect(names).toEqual(
        [
          'squareAvg',
          ...(variant.centered ? ['gradAvg'] : []),
          ...(variant.momentum ? ['momentumBuffer'] : []),
        ].sort(),
      );
    }
  });
});

const ada: AdagradOptions = { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 };

describe('Adagrad', () => {
  it('first step by hand: S = g², θ ← θ − η·g/(√S + ε) ≈ θ − η·sign(g)', () => {
    const p = param(START);
    const opt = new Adagrad([p], { lr: 0.1 });
    const steps = trajectory(() => opt.step(), p);
    expectClose([steps[0]!], [[0.9, -1.9, 0.4]], 8);
    expectClose(steps, adagradReference({ ...ada, lr: 0.1 }));
  });

  it('lr decay, initial accumulator and weight decay', () => {
    const variants: Partial<AdagradOptions>[] = [
      { lrDecay: 0.5 },
      { initialAccumulatorValue: 0.1 },
      { weightDecay: 0.2, lrDecay: 0.1, initialAccumulatorValue: 1, eps: 1e-3 },
    ];
    for (const variant of variants) {
      const p = param(START);
      const opt = new Adagrad([p], variant);
      expectClose(
        trajectory(() => opt.step(), p, 4),
        adagradReference({ ...ada, ...variant }, 4),
      );
    }
  });
});
