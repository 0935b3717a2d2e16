// Times one training step (forward + backward) of a 784-256-10 MLP at batch 128, once through
// autograd and once with the same NDArray kernels and a hand-written backward pass. The ratio is
// the cost of the graph bookkeeping. Run: pnpm bench (in packages/autograd).
import { cpus } from 'node:os';
import { softmaxCrossEntropy, type Tensor, tensor } from '@mlblocks/autograd';
import { Generator, type NDArray, oneHot, randint, randn, tidy, where, zeros } from '@mlblocks/core-tensor';

const [B, D, H, C] = [128, 784, 256, 10];
const gen = new Generator(0);
const x = randn([B, D], { generator: gen });
const labels = randint(0, C, [B], { generator: gen });
const W1 = randn([D, H], { generator: gen }).mul(Math.sqrt(2 / D));
const b1 = zeros([H]);
const W2 = randn([H, C], { generator: gen }).mul(Math.sqrt(2 / H));
const b2 = zeros([C]);

const params = [W1, b1, W2, b2].map((p) => tensor(p, { requiresGrad: true })) as [
  Tensor,
  Tensor,
  Tensor,
  Tensor,
];
const xt = tensor(x);

function autogradStep(): number {
  return tidy(() => {
    const [w1, c1, w2, c2] = params;
    const logits = xt.matmul(w1).add(c1).relu().matmul(w2).add(c2);
    const loss = softmaxCrossEntropy(logits, labels);
    loss.backward();
    const value = loss.item();
    for (const p of params) p.zeroGrad();
    return value;
  });
}

function rawStep(): number {
  return tidy(() => {
    // forward
    const z1 = x.matmul(W1).add(b1);
    const h = z1.relu();
    const z2 = h.matmul(W2).add(b2);
    const logp = z2.logSoftmax(-1);
    const target = oneHot(labels, C);
    const loss = logp.mul(target).sum().neg().div(B);
    // backward, by hand
    const dz2 = logp.exp().sub(target).div(B);
    const grads: NDArray[] = [h.transpose().matmul(dz2), dz2.sum(0)];
    const dh = dz2.matmul(W2.transpose());
    const dz1 = where(z1.gt(0), dh, 0);
    grads.push(x.transpose().matmul(dz1), dz1.sum(0));
    return loss.item();
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(step: () => number, reps: number): number {
  for (let i = 0; i < 5; i++) step(); // warm-up: let V8 optimise the kernels
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    step();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const lossA = autogradStep();
const lossR = rawStep();
if (Math.abs(lossA - lossR) > 1e-4 * Math.abs(lossR)) throw new Error(`losses differ: ${lossA} vs ${lossR}`);

console.log(
  `MLP ${D}-${H}-${C}, batch ${B}, one forward+backward step — Node ${process.version}, ${cpus()[0]?.model}`,
);
// interleave the two so drift on a shared machine hits both equally
const rounds = 5;
const raw: number[] = [];
const auto: number[] = [];
for (let r = 0; r < rounds; r++) {
  raw.push(time(rawStep, 10));
  auto.push(time(autogradStep, 10));
}
const [tr, ta] = [median(raw), median(auto)];
console.log(`raw NDArray kernels, hand backward : ${tr.toFixed(2)} ms`);
console.log(`autograd Tensor, backward()        : ${ta.toFixed(2)} ms`);
console.log(`graph bookkeeping overhead         : ${(((ta - tr) / tr) * 100).toFixed(1)} % (goal < 10 %)`);
