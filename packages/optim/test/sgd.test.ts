// SGD's first steps against PyTorch's update rule written out by hand in plain JS.
import { SGD, type SGDOptions } from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { expectClose, gradAt, param, START, trajectory } from './helpers.js';

/** PyTorch's SGD, one element at a time. */
function reference(o: SGDOptions, steps = 3): number[][] {
  const theta = [...START];
  const buf: number[] = [];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const grad = gradAt(t);
    for (let i = 0; i < theta.length; i++) {
      let g = grad[i]! + o.weightDecay * theta[i]!;
      if (o.momentum !== 0) {
        buf[i] = t === 1 ? g : o.momentum * buf[i]! + (1 - o.dampening) * g;
        g = o.nesterov ? g + o.momentum * buf[i]! : buf[i]!;
      }
      theta[i] = theta[i]! - o.lr * g;
    }
    out.push([...theta]);
  }
  return out;
}

const base: SGDOptions = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };

describe('SGD', () => {
  it('plain SGD: θ ← θ − η·g (first step by hand)', () => {
    const p = param(START);
    const opt = new SGD([p], { lr: 0.1 });
    const steps = trajectory(() => opt.step(), p);
    // step 1: g = [0.1, −0.28, 0.05] → θ = [1 − 0.01, −2 + 0.028, 0.5 − 0.005]
    expectClose([steps[0]!], [[0.99, -1.972, 0.495]]);
    expectClose(steps, reference(base));
  });

  it('momentum: the first buffer is the gradient itself, then b ← μ·b + (1 − τ)·g', () => {
    const p = param(START);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const steps = trajectory(() => opt.step(), p);
    // step 2 by hand for element 0: b₁ = 0.1, b₂ = 0.9·0.1 + 0.2 = 0.29; θ = 0.99 − 0.029
    expect(steps[1]![0]).toBeCloseTo(0.961, 12);
    expectClose(steps, reference({ ...base, momentum: 0.9 }));
  });

  it('momentum with dampening', () => {
    const p = param(START);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    expectClose(
      trajectory(() => opt.step(), p),
      reference({ ...base, momentum: 0.9, dampening: 0.5 }),
    );
  });

  it('Nesterov: g ← g + μ·b', () => {
    const p = param(START);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    const steps = trajectory(() => opt.step(), p);
    // step 1, element 0: b = 0.1, g = 0.1 + 0.09 = 0.19 → θ = 1 − 0.019
    expect(steps[0]![0]).toBeCloseTo(0.981, 12);
    expectClose(steps, reference({ ...base, momentum: 0.9, nesterov: true }));
  });

  it('weight decay adds λ·θ to the gradient (with and without momentum)', () => {
    const p = param(START);
    const opt = new SGD([p], { lr: 0.1, weightDecay: 0.01 });
    const steps = trajectory(() => opt.step(), p);
    // step 1, element 0: g = 0.1 + 0.01·1 = 0.11 → θ = 0.989
    expect(steps[0]![0]).toBeCloseTo(0.989, 12);
    expectClose(steps, reference({ ...base, weightDecay: 0.01 }));

    const q = param(START);
    const opt2 = new SGD([q], { lr: 0.05, momentum: 0.8, weightDecay: 0.1, nesterov: true });
    expectClose(
      trajectory(() => opt2.step(), q),
      reference({ ...base, lr: 0.05, momentum: 0.8, weightDecay: 0.1, nesterov: true }),
    );
  });

  it('keeps a copy of the gradient as the first momentum buffer', () => {
    const p = param(START);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    trajectory(() => opt.step(), p, 1);
    const buffer = opt.getState(p)!.buffers.momentumBuffer!;
    p.zeroGrad(); // frees the gradient: the buffer must survive
    expect(Array.from(buffer.dataSync())).toEqual(gradAt(1));
    expect(opt.getState(p)!.step).toBe(1);
  });

  it('rejects invalid hyperparameters with typed errors', () => {
    const p = param(START);
    expect(() => new SGD([p], { lr: -1 })).toThrow(/SGD: options: lr must be ≥ 0, got -1/);
    expect(() => new SGD([p], { nesterov: true })).toThrow(/Nesterov momentum needs momentum > 0/);
    expect(() => new SGD([p], { momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/dampening = 0/);
    expect(() => new SGD([p], { learningRate: 0.1 } as never)).toThrow(/unknown option 'learningRate'/);
  });
});
