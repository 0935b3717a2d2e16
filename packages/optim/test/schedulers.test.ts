// Schedulers' learning-rate sequences against values computed by hand.
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  type LRScheduler,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { param } from './helpers.js';

function sgd(...lrs: number[]): SGD {
  return new SGD(lrs.map((lr) => ({ params: [param([0])], lr })));
}

/** The first group's lr at epochs 0..n−1 (construction is epoch 0). */
function sequence(opt: SGD, sched: LRScheduler, n: number, group = 0): number[] {
  const lrs = [opt.paramGroups[group]!.lr];
  for (let i = 1; i < n; i++) {
    sched.step();
    lrs.push(opt.paramGroups[group]!.lr);
  }
  return lrs;
}

function expectLrs(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((lr, i) => {
    expect(lr, `epoch ${i}`).toBeCloseTo(expected[i]!, 12);
  });
}

describe('epoch schedulers', () => {
  it('StepLR: η₀·γ^⌊t/stepSize⌋', () => {
    const opt = sgd(0.1);
    const sched = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
    expectLrs(sequence(opt, sched, 8), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]);
    expect(sched.lastEpoch).toBe(7);
    expect(sched.getLastLr()).toEqual([0.025]);
  });

  it('StepLR with the default gamma, per group', () => {
    const opt = sgd(1, 0.5);
    const sched = new StepLR(opt, { stepSize: 1 });
    sched.step();
    sched.step();
    expectLrs(sched.getLastLr(), [0.01, 0.005]);
  });

  it('ExponentialLR: η₀·γᵗ', () => {
    const opt = sgd(1);
    expectLrs(sequence(opt, new ExponentialLR(opt, { gamma: 0.9 }), 4), [1, 0.9, 0.81, 0.729]);
  });

  it('CosineAnnealingLR: η_min + (η₀ − η_min)(1 + cos(πt/T))/2, rising again past T', () => {
    const opt = sgd(1);
    const c = (1 + Math.SQRT1_2) / 2; // (1 + cos(π/4))/2 = 0.853553…
    expectLrs(sequence(opt, new CosineAnnealingLR(opt, { tMax: 4 }), 6), [1, c, 0.5, 1 - c, 0, 1 - c]);
    const opt2 = sgd(1);
    expectLrs(sequence(opt2, new CosineAnnealingLR(opt2, { tMax: 4, etaMin: 0.1 }), 5), [
      1,
      0.1 + 0.9 * c,
      0.55,
      0.1 + 0.9 * (1 - c),
      0.1,
    ]);
  });

  it('LinearWarmup: from startFactor·η₀ to η₀ over warmupSteps, then flat', () => {
    const opt = sgd(0.2);
    expectLrs(sequence(opt, new LinearWarmup(opt, { warmupSteps: 4 }), 6), [0, 0.05, 0.1, 0.15, 0.2, 0.2]);
    const opt2 = sgd(0.2);
    expectLrs(
      sequence(opt2, new LinearWarmup(opt2, { warmupSteps: 4, startFactor: 0.5 }), 5),
      [0.1, 0.125, 0.15, 0.175, 0.2],
    );
  });

  it('SequentialLR chains warmup then a decay that starts from its own epoch 0, for each group', () => {
    const opt = sgd(1, 0.1);
    const warmup = new LinearWarmup(opt, { warmupSteps: 2 });
    const decay = new StepLR(opt, { stepSize: 2, gamma: 0.1 });
    const sched = new SequentialLR(opt, [warmup, decay], [2]);
    expectLrs(sequence(opt, sched, 7), [0, 0.5, 1, 1, 0.1, 0.1, 0.01]);
    expectLrs(sched.getLastLr(), [0.01, 0.001]);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([1, 0.1]);
  });

  it('warmup then cosine: the shape of a transformer schedule', () => {
    const opt = sgd(1);
    const sched = new SequentialLR(
      opt,
      [new LinearWarmup(opt, { warmupSteps: 2 }), new CosineAnnealingLR(opt, { tMax: 2 })],
      [2],
    );
    expectLrs(sequence(opt, sched, 5), [0, 0.5, 1, 0.5, 0]);
  });

  it('rejects bad options', () => {
    const opt = sgd(1);
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(
      /StepLR: options: stepSize must be an integer ≥ 1/,
    );
    expect(() => new CosineAnnealingLR(opt, { tMax: 2.5 })).toThrow(/tMax must be an integer/);
    expect(() => new LinearWarmup(opt, { warmupSteps: 3, startFactor: 2 })).toThrow(
      /startFactor must be in \[0, 1\]/,
    );
    const a = new StepLR(opt, { stepSize: 1 });
    expect(() => new SequentialLR(opt, [a, a], [])).toThrow(/2 schedulers need 1 milestones, got 0/);
    expect(() => new SequentialLR(opt, [a, a], [0])).toThrow(/milestones\[0\] must be an integer ≥ 1/);
    expect(() => new SequentialLR(opt, [new StepLR(sgd(1), { stepSize: 1 })], [])).toThrow(
      /drives a different optimizer/,
    );
  });

  it('a group added after the scheduler is reported, not silently ignored', () => {
    const opt = sgd(1);
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    opt.addParamGroup({ params: [param([1])] });
    expect(() => sched.step()).toThrow(/2 parameter groups but the scheduler was set up for 1/);
  });
});

describe('ReduceLROnPlateau', () => {
  function run(sched: ReduceLROnPlateau, opt: SGD, metrics: number[]): number[] {
    return metrics.map((m) => {
      sched.step(m);
      return opt.paramGroups[0]!.lr;
    });
  }

  it('reduces after more than `patience` epochs without improvement', () => {
    const opt = sgd(1);
    const sched = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 1, threshold: 0 });
    // best 10, 9 | 9 bad(1) | 9 bad(2) → ×0.5 | 9 bad(1) | 8 best | 8 bad(1) | 8 bad(2) → ×0.5
    expect(run(sched, opt, [10, 9, 9, 9, 9, 8, 8, 8])).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
    expect(sched.best).toBe(8);
  });

  it('cooldown pauses the count after a reduction', () => {
    const flat = [5, 5, 5, 5, 5, 5];
    const opt = sgd(1);
    const noCooldown = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 0 });
    expect(run(noCooldown, opt, flat)).toEqual([1, 0.5, 0.25, 0.125, 0.0625, 0.03125]);
    const opt2 = sgd(1);
    const withCooldown = new ReduceLROnPlateau(opt2, { factor: 0.5, patience: 0, cooldown: 1 });
    expect(run(withCooldown, opt2, flat)).toEqual([1, 0.5, 0.5, 0.25, 0.25, 0.125]);
  });

  it('minLr bounds the rate; reductions smaller than eps are skipped', () => {
    const opt = sgd(1, 0.1);
    const sched = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 0, minLr: [0.3, 0] });
    run(sched, opt, [1, 1, 1, 1]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.3, 0.0125]);
  });

  it("mode 'max' with absolute and relative thresholds", () => {
    const opt = sgd(1);
    const abs = new ReduceLROnPlateau(opt, {
      mode: 'max',
      factor: 0.1,
      patience: 0,
      threshold: 0.5,
      thresholdMode: 'abs',
    });
    // best 1 | 1.4 ≤ 1.5: reduce | 1.6 > 1.5: best | 2.0 ≤ 2.1: reduce
    expectLrs(run(abs, opt, [1, 1.4, 1.6, 2.0]), [1, 0.1, 0.1, 0.01]);
    const opt2 = sgd(1);
    const rel = new ReduceLROnPlateau(opt2, { mode: 'max', factor: 0.1, patience: 0, threshold: 0.1 });
    // best 1 | 1.05 ≤ 1.1: reduce | 1.2 > 1.1: best | 1.3 ≤ 1.32: reduce
    expectLrs(run(rel, opt2, [1, 1.05, 1.2, 1.3]), [1, 0.1, 0.1, 0.01]);
  });

  it('NaN metrics count as bad epochs; bad options are refused', () => {
    const opt = sgd(1);
    const sched = new ReduceLROnPlateau(opt, { patience: 0 });
    sched.step(1);
    sched.step(Number.NaN);
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.1, 15);
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor must be in \[0, 1\), got 1/);
    expect(() => new ReduceLROnPlateau(opt, { mode: 'up' as never })).toThrow(/mode must be 'min' or 'max'/);
    expect(() => new ReduceLROnPlateau(opt, { minLr: [0, 0] })).toThrow(/minLr has 2 entries/);
  });
});
