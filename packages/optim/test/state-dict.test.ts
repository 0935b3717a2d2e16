// Optimizer and scheduler state dicts: JSON round trips, exact values, and validation on load.
import type { Tensor } from '@mlblocks/autograd';
import { type MlBlocksError, ShapeError, ValueError } from '@mlblocks/core-tensor';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  LinearWarmup,
  type Optimizer,
  type OptimizerStateDict,
  ReduceLROnPlateau,
  RMSprop,
  SequentialLR,
  SGD,
  StepLR,
} from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { gradAt, param, setGrad } from './helpers.js';

const throughJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

type Make = (ps: Tensor[]) => Optimizer;
const MAKERS: [string, Make][] = [
  [
    'SGD',
    (ps) =>
      new SGD([{ params: ps.slice(0, 1) }, { params: ps.slice(1), lr: 0.05 }], {
        lr: 0.1,
        momentum: 0.9,
        nesterov: true,
      }),
  ],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ['RMSprop', (ps) => new RMSprop(ps, { centered: true, momentum: 0.5 })],
  ['Adagrad', (ps) => new Adagrad(ps, { lrDecay: 0.1, initialAccumulatorValue: 0.1 })],
];

function params(dtype: 'float32' | 'float64' = 'float32'): Tensor[] {
  return [param([1, -2, 0.5], dtype), param([0.3, 0.7, -0.1], dtype)];
}

function steps(opt: Optimizer, ps: Tensor[], from: number, to: number): void {
  for (let t = from; t < to; t++) {
    for (const [i, p] of ps.entries()) setGrad(p, gradAt(t + i));
    opt.step();
  }
}

describe('optimizer state dicts', () => {
  it.each(MAKERS)(
    '%s: save after 3 steps, load into a fresh optimizer, continue bit-identically',
    (name, make) => {
      const a = params();
      const optA = make(a);
      steps(optA, a, 1, 4);
      const saved = throughJson(optA.stateDict());
      expect(saved.optimizer).toBe(name);
      const b = a.map((p) => param(Array.from(p.dataSync()), 'float32'));
      const optB = make(b);
      optB.loadStateDict(saved);
      expect(optB.stateDict()).toEqual(saved);
      steps(optA, a, 4, 7);
      steps(optB, b, 4, 7);
      a.forEach((p, i) => {
        expect(b[i]!.dataSync()).toEqual(p.dataSync());
      });
    },
  );

  it('is plain data: group options, parameter indices across groups, step counts, base64 arrays', () => {
    const ps = params('float64');
    const opt = new SGD([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    setGrad(ps[1]!, [1, 2, 3]);
    opt.step();
    const dict = opt.stateDict();
    expect(dict.paramGroups).toEqual([
      { params: [0], lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false },
      { params: [1], lr: 0.5, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false },
    ]);
    expect(dict.state).toHaveLength(1); // parameter 0 never had a gradient
    const entry = dict.state[0]!;
    expect(entry.param).toBe(1);
    expect(entry.step).toBe(1);
    expect(entry.buffers.momentumBuffer!.dtype).toBe('float64');
    expect(entry.buffers.momentumBuffer!.shape).toEqual([3]);
    expect(typeof entry.buffers.momentumBuffer!.data).toBe('string');
    expect(throughJson(dict)).toEqual(dict);
  });

  it('restores the saved hyperparameters (learning rates included) and keeps NaN/Infinity exact', () => {
    const [p] = params('float64');
    const opt = new Adam([p!], { lr: 0.5 });
    setGrad(p!, [Number.POSITIVE_INFINITY, 1e-30, Number.NaN]);
    opt.step();
    opt.paramGroups[0]!.lr = 0.123;
    const q = param([0, 0, 0]);
    const fresh = new Adam([q], { lr: 1 });
    fresh.loadStateDict(throughJson(opt.stateDict()));
    expect(fresh.paramGroups[0]!.lr).toBe(0.123);
    const v = Array.from(fresh.getState(q)!.buffers.expAvgSq!.dataSync());
    expect(v[0]).toBe(Number.POSITIVE_INFINITY);
    expect(v[1]).toBeGreaterThan(0); // a tiny value, bit for bit
    expect(v[1]).toBe(opt.getState(p!)!.buffers.expAvgSq!.dataSync()[1]);
    expect(Number.isNaN(v[2])).toBe(true);
  });

  it('accepts plain number arrays as data; stateDictAsync gives the same dict', async () => {
    const [p] = params('float64');
    const opt = new SGD([p!], { momentum: 0.9 });
    setGrad(p!, [1, 2, 3]);
    opt.step();
    expect(await opt.stateDictAsync()).toEqual(opt.stateDict());
    const dict = opt.stateDict();
    dict.state[0]!.buffers.momentumBuffer!.data = [4, 5, 6];
    const q = param([0, 0, 0]);
    const other = new SGD([q], { momentum: 0.9 });
    other.loadStateDict(dict);
    expect(Array.from(other.getState(q)!.buffers.momentumBuffer!.dataSync())).toEqual([4, 5, 6]);
  });

  describe('rejects mismatches with typed errors naming them, and changes nothing', () => {
    function saved(): OptimizerStateDict {
      const ps = params();
      const opt = new Adam([{ params: [ps[0]!] }, { params: [ps[1]!] }], { amsgrad: true });
      steps(opt, ps, 1, 3);
      return throughJson(opt.stateDict());
    }
    function target(shape1 = [3]) {
      const ps = [
        param([9, 9, 9], 'float32'),
        param(new Array(shape1.reduce((a, b) => a * b, 1)).fill(9), 'float32'),
      ];
      if (shape1.length > 1) ps[1] = ps[1]!.reshape(shape1).detach();
      ps[1]!.requiresGrad = true;
      const opt = new Adam([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.5 }], { amsgrad: true });
      setGrad(ps[0]!, [1, 1, 1]);
      opt.step();
      return { opt, ps, before: JSON.stringify(opt.stateDict()) };
    }
    const cases: [string, (d: OptimizerStateDict) => unknown, RegExp, typeof MlBlocksError][] = [
      [
        'another optimizer',
        (d) => Object.assign(d, { optimizer: 'SGD' }),
        /written by SGD, not Adam/,
        ValueError,
      ],
      [
        'a missing group',
        (d) => d.paramGroups.pop(),
        /state dict has 1 parameter groups, this optimizer 2/,
        ValueError,
      ],
      [
        'a group of another size',
        (d) => d.paramGroups[1]!.params.push(7),
        /group 1 has 1 parameters here but 2 parameters in the state dict/,
        ValueError,
      ],
      [
        'an unknown option',
        (d) => Object.assign(d.paramGroups[0]!, { lrr: 1 }),
        /group 0: unknown option 'lrr'/,
        ValueError,
      ],
      [
        'an option of the wrong type',
        (d) => Object.assign(d.paramGroups[0]!, { amsgrad: 1 }),
        /group 0: option 'amsgrad' should be a boolean, got number 1/,
        ValueError,
      ],
      [
        'an out-of-range option',
        (d) => Object.assign(d.paramGroups[1]!, { lr: -1 }),
        /group 1: lr must be ≥ 0/,
        ValueError,
      ],
      [
        'state for an unlisted parameter',
        (d) => Object.assign(d.state[1]!, { param: 5 }),
        /state for parameter 5, which no group lists/,
        ValueError,
      ],
      [
        'a negative step',
        (d) => Object.assign(d.state[0]!, { step: -1 }),
        /parameter 0 .*step must be an integer ≥ 0/,
        ValueError,
      ],
      [
        'an unknown buffer',
        (d) => Object.assign(d.state[0]!.buffers, { momentum: d.state[0]!.buffers.expAvg }),
        /state of parameter 0 \(group 0, shape \[3\]\): unknown buffer 'momentum' \(Adam keeps expAvg, expAvgSq, maxExpAvgSq\)/,
        ValueError,
      ],
      [
        'a missing buffer',
        (d) => delete d.state[1]!.buffers.maxExpAvgSq,
        /state of parameter 1 \(group 1, shape \[3\]\): buffer 'maxExpAvgSq' is missing/,
        ValueError,
      ],
      [
        'a buffer of another shape',
        (d) => Object.assign(d.state[1]!.buffers.expAvg!, { shape: [1, 3] }),
        /parameter 1 \(group 1, shape \[3\]\), buffer 'expAvg': shape \[1,3\] does not match the parameter's shape \[3\]/,
        ShapeError,
      ],
      [
        'a buffer of another dtype',
        (d) => Object.assign(d.state[0]!.buffers.expAvgSq!, { dtype: 'float64' }),
        /buffer 'expAvgSq': dtype float64 does not match the parameter's float32/,
        ValueError,
      ],
      [
        'truncated data',
        (d) => Object.assign(d.state[0]!.buffers.expAvg!, { data: 'AAAAAA==' }),
        /data holds 4 bytes but shape \[3\] of float32 needs 12/,
        ShapeError,
      ],
      [
        'corrupt data',
        (d) => Object.assign(d.state[0]!.buffers.expAvg!, { data: '!!!!' }),
        /data is not valid base64/,
        ValueError,
      ],
    ];
    it.each(cases)('%s', (_, corrupt, message, type) => {
      const dict = saved();
      corrupt(dict);
      const { opt, before } = target();
      expect(() => opt.loadStateDict(dict)).toThrow(type);
      expect(() => opt.loadStateDict(dict)).toThrow(message);
      expect(JSON.stringify(opt.stateDict())).toBe(before);
    });

    it('parameters of another shape', () => {
      const { opt } = target([3, 1]);
      expect(() => opt.loadStateDict(saved())).toThrow(
        /parameter 1 \(group 1, shape \[3,1\]\), buffer 'expAvg': shape \[3\] does not match the parameter's shape \[3,1\]/,
      );
    });
  });
});

describe('scheduler state dicts', () => {
  it('SequentialLR (warmup → cosine) resumes through JSON and keeps stepping identically', () => {
    const make = () => {
      const opt = new SGD([{ params: [param([0])] }, { params: [param([0])], lr: 0.01 }], { lr: 0.1 });
      const sched = new SequentialLR(
        opt,
        [new LinearWarmup(opt, { warmupSteps: 3 }), new CosineAnnealingLR(opt, { tMax: 10, etaMin: 1e-4 })],
        [3],
      );
      return { opt, sched };
    };
    const a = make();
    for (let i = 0; i < 5; i++) a.sched.step();
    const optState = throughJson(a.opt.stateDict());
    const schedState = throughJson(a.sched.stateDict());
    expect(schedState.children).toHaveLength(2);
    const b = make();
    b.opt.loadStateDict(optState);
    b.sched.loadStateDict(schedState);
    expect(b.opt.paramGroups.map((g) => g.lr)).toEqual(a.opt.paramGroups.map((g) => g.lr));
    for (let i = 0; i < 6; i++) {
      a.sched.step();
      b.sched.step();
      expect(b.sched.getLastLr()).toEqual(a.sched.getLastLr());
    }
  });

  it('StepLR restores epoch and options; another kind is refused', () => {
    const opt = new SGD([param([0])], { lr: 1 });
    const a = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    a.step();
    a.step();
    const dict = throughJson(a.stateDict());
    expect(dict).toMatchObject({
      scheduler: 'StepLR',
      lastEpoch: 2,
      baseLrs: [1],
      lastLrs: [0.5],
      options: { stepSize: 2, gamma: 0.5 },
    });
    const opt2 = new SGD([param([0])], { lr: 1 });
    const b = new StepLR(opt2, { stepSize: 5 });
    b.loadStateDict(dict);
    expect(opt2.paramGroups[0]!.lr).toBe(0.5);
    b.step();
    b.step();
    expect(b.getLastLr()).toEqual([0.25]);
    const c = new CosineAnnealingLR(opt2, { tMax: 3 });
    expect(() => c.loadStateDict(dict)).toThrow(/written by StepLR, not CosineAnnealingLR/);
    expect(() => b.loadStateDict({ ...dict, options: { stepSize: 0, gamma: 0.5 } })).toThrow(
      /stepSize must be an integer ≥ 1/,
    );
    expect(() => b.loadStateDict({ ...dict, baseLrs: [1, 1] })).toThrow(
      /baseLrs has 2 entries but the optimizer has 1/,
    );
  });

  it('ReduceLROnPlateau round-trips an infinite best and its counters', () => {
    const opt = new SGD([param([0])], { lr: 1 });
    const a = new ReduceLROnPlateau(opt, { patience: 1, cooldown: 2, factor: 0.5 });
    const fresh = throughJson(a.stateDict());
    expect(fresh.best).toBe('Infinity');
    for (const m of [3, 3, 3, 3]) a.step(m);
    const dict = throughJson(a.stateDict());
    const opt2 = new SGD([param([0])], { lr: 1 });
    const b = new ReduceLROnPlateau(opt2);
    b.loadStateDict(fresh);
    expect(b.best).toBe(Number.POSITIVE_INFINITY);
    b.loadStateDict(dict);
    expect([b.best, b.numBadEpochs, b.cooldownCounter, opt2.paramGroups[0]!.lr]).toEqual([
      a.best,
      a.numBadEpochs,
      a.cooldownCounter,
      opt.paramGroups[0]!.lr,
    ]);
    for (const m of [3, 3, 3, 2, 2, 2, 2]) {
      a.step(m);
      b.step(m);
      expect(b.getLastLr()).toEqual(a.getLastLr());
    }
    expect(() => b.loadStateDict({ ...dict, best: 'lots' })).toThrow(/best must be a number/);
  });
});
