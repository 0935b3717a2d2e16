// Adam and AdamW's first steps against PyTorch's update rules written out by hand in plain JS.
import { Adam, type AdamOptions, AdamW } from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { expectClose, gradAt, param, START, trajectory } from './helpers.js';

/** PyTorch's Adam (decoupled = false) / AdamW (decoupled = true), one element at a time. */
function reference(o: AdamOptions, decoupled: boolean, steps = 3): number[][] {
  const [b1, b2] = o.betas;
  const theta = [...START];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  const vMax = [0, 0, 0];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const grad = gradAt(t);
    for (let i = 0; i < 3; i++) {
      let g = grad[i]!;
      if (decoupled) theta[i] = theta[i]! * (1 - o.lr * o.weightDecay);
      else g += o.weightDecay * theta[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      vMax[i] = Math.max(vMax[i]!, v[i]!);
      const mHat = m[i]! / (1 - b1 ** t);
      const second = o.amsgrad ? vMax[i]! : v[i]!;
      theta[i] = theta[i]! - (o.lr * mHat) / (Math.sqrt(second) / Math.sqrt(1 - b2 ** t) + o.eps);
    }
    out.push([...theta]);
  }
  return out;
}

const base: AdamOptions = { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };

describe('Adam', () => {
  it('first step moves every element by ≈ lr against the sign of its gradient (bias correction)', () => {
    const p = param(START);
    const opt = new Adam([p], { lr: 0.01 });
    const steps = trajectory(() => opt.step(), p);
    // t = 1: m̂ = g, v̂ = g², so the step is η·g/(|g| + ε) ≈ η·sign(g)
    expectClose([steps[0]!], [[0.99, -1.99, 0.49]], 7);
    expectClose(steps, reference(base, false));
  });

  it('second step by hand (element 0)', () => {
    const p = param(START);
    const opt = new Adam([p], { lr: 0.01 });
    const steps = trajectory(() => opt.step(), p, 2);
    const m = 0.9 * 0.1 * 0.1 + 0.1 * 0.2; // m₂ = β₁·(1−β₁)·g₁ + (1−β₁)·g₂ = 0.029
    const v = 0.999 * 0.001 * 0.01 + 0.001 * 0.04; // v₂ = 0.00004999
    const step1 = 1 - (0.01 * 0.1) / (0.1 + 1e-8); // m̂₁ = 0.1, √v̂₁ = 0.1
    const expected = step1 - (0.01 * (m / (1 - 0.81))) / (Math.sqrt(v) / Math.sqrt(1 - 0.998001) + 1e-8);
    expect(steps[1]![0]).toBeCloseTo(expected, 12);
    expectClose(steps, reference(base, false, 2));
  });

  it('weight decay as an L2 term, AMSGrad, other betas', () => {
    const variants: Partial<AdamOptions>[] = [
      { weightDecay: 0.1 },
      { amsgrad: true },
      { amsgrad: true, weightDecay: 0.05, betas: [0.5, 0.9], eps: 1e-3, lr: 0.1 },
    ];
    for (const variant of variants) {
      const p = param(START);
      const opt = new Adam([p], variant);
      expectClose(
        trajectory(() => opt.step(), p, 4),
        reference({ ...base, lr: 1e-3, ...variant }, false, 4),
      );
    }
  });

  it('AMSGrad keeps the running maximum of v', () => {
    const p = param([1]);
    const opt = new Adam([p], { lr: 0.01, amsgrad: true, betas: [0.9, 0.5] });
    for (const g of [1, 0.01]) {
      p.zeroGrad();
      p.mul(g).sum().backward(); // grad = g
      opt.step();
    }
    const { expAvgSq, maxExpAvgSq } = opt.getState(p)!.buffers;
    expect(expAvgSq!.item()).toBeCloseTo(0.5 * 0.5 + 0.5 * 1e-4, 12); // v fell
    expect(maxExpAvgSq!.item()).toBeCloseTo(0.5, 12); // v̂ kept the max
  });

  it('rejects bad betas', () => {
    const p = param(START);
    expect(() => new Adam([p], { betas: [1, 0.999] })).toThrow(/betas\[0\] must be in \[0, 1\), got 1/);
    expect(() => new Adam([p], { betas: [0.9] as never })).toThrow(/betas must be a pair/);
  });
});

describe('AdamW', () => {
  it('decoupled weight decay: θ ← θ·(1 − η·λ) before the Adam step (default λ = 0.01)', () => {
    const p = param(START);
    const opt = new AdamW([p], { lr: 0.1 });
    expect(opt.defaults.weightDecay).toBe(0.01);
    const steps = trajectory(() => opt.step(), p);
    // step 1, element 0: 1·(1 − 0.001) − 0.1·0.1/(0.1 + 1e-8)
    expect(steps[0]![0]).toBeCloseTo(0.999 - 0.01 / (0.1 + 1e-8), 12);
    expectClose(steps, reference({ ...base, lr: 0.1, weightDecay: 0.01 }, true));
  });

  it('differs from Adam with the same weight decay; with AMSGrad', () => {
    const a = param(START);
    const w = param(START);
    const adam = new Adam([a], { lr: 0.1, weightDecay: 0.5 });
    const adamw = new AdamW([w], { lr: 0.1, weightDecay: 0.5, amsgrad: true });
    const ta = trajectory(() => adam.step(), a);
    const tw = trajectory(() => adamw.step(), w);
    expectClose(tw, reference({ ...base, lr: 0.1, weightDecay: 0.5, amsgrad: true }, true));
    expect(Math.abs(ta[2]![0]! - tw[2]![0]!)).toBeGreaterThan(1e-3);
  });
});
