// Stopping after k steps and resuming from a checkpoint (weights + optimizer + scheduler state,
// through JSON) gives bit-identical weights to an uninterrupted run of 2k steps on the CPU backend.
import { matmul, softmaxCrossEntropy, type Tensor, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, type NDArray, randn, tidy } from '@mlblocks/core-tensor';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  clipGradNorm,
  clipGradValue,
  LinearWarmup,
  type Optimizer,
  type OptimizerStateDict,
  ReduceLROnPlateau,
  RMSprop,
  type SchedulerStateDict,
  SequentialLR,
  SGD,
} from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';

const K = 40;

/** Seeded data: 64 points in 4-D, 3 classes from the sign pattern of two coordinates. */
function makeData(): { x: Tensor; y: NDArray } {
  const gen = new Generator(11);
  const xs = randn([64, 4], { generator: gen });
  const v = xs.dataSync();
  const labels = Array.from(
    { length: 64 },
    (_, i) => (v[i * 4]! > 0 ? 1 : 0) + (v[i * 4 + 1]! > 0.5 ? 1 : 0),
  );
  return { x: tensor(xs), y: fromArray(labels, { dtype: 'int32' }) };
}

/** A 4-16-3 MLP as plain tensors: [W1, b1, W2, b2]. */
function initialWeights(): number[][] {
  const gen = new Generator(5);
  return [[4, 16], [16], [16, 3], [3]].map((shape) =>
    Array.from(randn(shape, { generator: gen }).mul(0.5).dataSync()),
  );
}

const SHAPES = [[4, 16], [16], [16, 3], [3]];

function toParams(values: number[][]): Tensor[] {
  return values.map((v, i) => tensor(fromArray(v, { shape: SHAPES[i] }), { requiresGrad: true }));
}

function forward([w1, b1, w2, b2]: Tensor[], x: Tensor): Tensor {
  return matmul(matmul(x, w1!).add(b1!).tanh(), w2!).add(b2!);
}

interface Setup {
  opt: Optimizer;
  sched: { step(metric?: number): void; stateDict(): SchedulerStateDict; loadStateDict(d: never): void };
  clip: (ps: Tensor[]) => void;
}

type MakeSetup = (ps: Tensor[]) => Setup;

function warmupCosine(opt: Optimizer): SequentialLR {
  return new SequentialLR(
    opt,
    [
      new LinearWarmup(opt, { warmupSteps: 10, startFactor: 0.1 }),
      new CosineAnnealingLR(opt, { tMax: 2 * K - 10 }),
    ],
    [10],
  );
}

const SETUPS: [string, MakeSetup][] = [
  [
    'AdamW with groups (no decay on biases), warmup → cosine, clipGradNorm',
    (ps) => {
      const opt = new AdamW(
        [
          { params: [ps[0]!, ps[2]!], weightDecay: 0.05 },
          { params: [ps[1]!, ps[3]!], weightDecay: 0 },
        ],
        { lr: 0.05, amsgrad: true },
      );
      return { opt, sched: warmupCosine(opt), clip: (p) => clipGradNorm(p, 1) };
    },
  ],
  [
    'SGD Nesterov with weight decay, ReduceLROnPlateau, clipGradValue',
    (ps) => {
      const opt = new SGD(ps, { lr: 0.2, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
      const sched = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, threshold: 0.1 });
      return { opt, sched, clip: (p) => clipGradValue(p, 0.5) };
    },
  ],
  [
    'Adam, warmup → cosine',
    (ps) => {
      const opt = new Adam(ps, { lr: 0.02, weightDecay: 1e-4 });
      return { opt, sched: warmupCosine(opt), clip: () => {} };
    },
  ],
  [
    'RMSprop centered with momentum, warmup → cosine',
    (ps) => {
      const opt = new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 });
      return { opt, sched: warmupCosine(opt), clip: (p) => clipGradNorm(p, 2, Number.POSITIVE_INFINITY) };
    },
  ],
  [
    'Adagrad with lr decay, warmup → cosine',
    (ps) => {
      const opt = new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 });
      return { opt, sched: warmupCosine(opt), clip: () => {} };
    },
  ],
];

function train(
  params: Tensor[],
  setup: Setup,
  data: { x: Tensor; y: NDArray },
  from: number,
  to: number,
): void {
  for (let step = from; step < to; step++) {
    const loss = tidy(() => {
      const l = softmaxCrossEntropy(forward(params, data.x), data.y);
      l.backward();
      setup.clip(params);
      setup.opt.step();
      setup.opt.zeroGrad();
      return l.item();
    });
    setup.sched.step(loss);
  }
}

describe('resume from a checkpoint', () => {
  it.each(SETUPS)('%s: 2k steps = k steps + checkpoint + k steps, bit for bit', (_, makeSetup) => {
    const data = makeData();

    // uninterrupted run
    const straight = toParams(initialWeights());
    const a = makeSetup(straight);
    train(straight, a, data, 0, 2 * K);

    // interrupted run: k steps, checkpoint through JSON, drop everything
    const first = toParams(initialWeights());
    const b = makeSetup(first);
    train(first, b, data, 0, K);
    const checkpoint = JSON.stringify({
      weights: first.map((p) => Array.from(p.dataSync())),
      optimizer: b.opt.stateDict(),
      scheduler: b.sched.stateDict(),
    });
    b.opt.dispose();

    // fresh weights, optimizer and scheduler from the checkpoint; continue
    const restored = JSON.parse(checkpoint) as {
      weights: number[][];
      optimizer: OptimizerStateDict;
      scheduler: SchedulerStateDict;
    };
    const resumed = toParams(restored.weights);
    const c = makeSetup(resumed);
    c.opt.loadStateDict(restored.optimizer);
    c.sched.loadStateDict(restored.scheduler as never);
    train(resumed, c, data, K, 2 * K);

    resumed.forEach((p, i) => {
      expect(p.dataSync(), `parameter ${i}`).toEqual(straight[i]!.dataSync());
    });
    expect(c.opt.paramGroups.map((g) => g.lr)).toEqual(a.opt.paramGroups.map((g) => g.lr));
    // the schedule did change the rate across the run, so the scheduler state mattered
    expect(a.opt.paramGroups[0]!.lr).toBeLessThan(a.opt.paramGroups[0]!.initialLr ?? a.opt.defaults.lr);
    // and the run did train: the loss fell
    const lossOf = (ps: Tensor[]) => softmaxCrossEntropy(forward(ps, data.x), data.y).item();
    expect(lossOf(straight)).toBeLessThan(lossOf(toParams(initialWeights())));
  });

  it('a checkpoint taken without the optimizer state does not reproduce the run (the test can fail)', () => {
    const data = makeData();
    const [, makeSetup] = SETUPS[0]!;
    const straight = toParams(initialWeights());
    train(straight, makeSetup(straight), data, 0, 2 * K);
    const half = toParams(initialWeights());
    const b = makeSetup(half);
    train(half, b, data, 0, K);
    const resumed = toParams(half.map((p) => Array.from(p.dataSync())));
    const c = makeSetup(resumed);
    c.sched.loadStateDict(b.sched.stateDict() as never); // scheduler only
    train(resumed, c, data, K, 2 * K);
    expect(resumed[0]!.dataSync()).not.toEqual(straight[0]!.dataSync());
  });
});
