// Train a 2-16-2 MLP on a noisy XOR with AdamW, a warmup → cosine schedule and gradient clipping,
// checkpointing the optimizer and scheduler half-way through as JSON.
import { matmul, noGrad, softmaxCrossEntropy, type Tensor, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, randn, tidy } from '@mlblocks/core-tensor';
import { AdamW, CosineAnnealingLR, clipGradNorm, LinearWarmup, SequentialLR } from '@mlblocks/optim';

// data: 256 points, class 1 where the two coordinates have the same sign
const gen = new Generator(0);
const x = tensor(randn([256, 2], { generator: gen }));
const xs = x.dataSync();
const y = fromArray(
  Array.from({ length: 256 }, (_, i) => (xs[2 * i]! * xs[2 * i + 1]! > 0 ? 1 : 0)),
  { dtype: 'int32' },
);

// model: plain tensors (with @mlblocks/nn-layers, pass model.parameters() instead)
const param = (shape: number[], scale: number) =>
  tensor(randn(shape, { generator: gen }).mul(scale), { requiresGrad: true });
const [w1, b1, w2, b2] = [param([2, 16], 0.7), param([16], 0), param([16, 2], 0.25), param([2], 0)];
const model = (input: Tensor) => matmul(matmul(input, w1).add(b1).tanh(), w2).add(b2);

// optimizer: weight decay on the weights only, via two parameter groups
const steps = 300;
const opt = new AdamW(
  [
    { params: [w1, w2], weightDecay: 0.01 },
    { params: [b1, b2], weightDecay: 0 },
  ],
  { lr: 0.05 },
);
const sched = new SequentialLR(
  opt,
  [new LinearWarmup(opt, { warmupSteps: 20 }), new CosineAnnealingLR(opt, { tMax: steps - 20 })],
  [20],
);

let checkpoint = '';
for (let step = 0; step < steps; step++) {
  const lr = opt.paramGroups[0]!.lr; // the rate this step uses
  const { loss, norm } = tidy(() => {
    const l = softmaxCrossEntropy(model(x), y);
    l.backward();
    const n = clipGradNorm([w1, b1, w2, b2], 1.0); // the norm before clipping
    opt.step();
    opt.zeroGrad();
    return { loss: l.item(), norm: n };
  });
  sched.step(); // once per iteration: the schedule counts steps
  if (step === steps / 2) {
    checkpoint = JSON.stringify({ optimizer: opt.stateDict(), scheduler: sched.stateDict() });
  }
  if (step % 50 === 0) {
    console.log(
      `step ${String(step).padStart(3)}  loss ${loss.toFixed(4)}  grad norm ${norm.toFixed(3)}  lr ${lr.toExponential(2)}`,
    );
  }
}

const accuracy = noGrad(() => tidy(() => model(x).array.argmax(-1).eq(y).cast('float32').mean().item()));
console.log(`checkpoint at step ${steps / 2}: ${(checkpoint.length / 1024).toFixed(1)} KiB of JSON`);
console.log(`training accuracy ${(accuracy * 100).toFixed(1)}%`);
