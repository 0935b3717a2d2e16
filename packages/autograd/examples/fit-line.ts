// Fit y = 3x + 2 by hand-written gradient descent, using only autograd:
// the framework computes dL/dw and dL/db by the chain rule; we take the step ourselves.
import { noGrad, tensor } from '@mlblocks/autograd';
import { Generator, randn, tidy } from '@mlblocks/core-tensor';

const gen = new Generator(0);
const x = tensor(randn([64, 1], { generator: gen }));
const y = x
  .mul(3)
  .add(2)
  .add(tensor(randn([64, 1], { generator: gen }).mul(0.1))); // noisy targets

const w = tensor([[0]], { requiresGrad: true });
const b = tensor([0], { requiresGrad: true });
const learningRate = 0.1;

for (let step = 0; step <= 100; step++) {
  const loss = tidy(() => {
    const prediction = x.matmul(w).add(b); // hypothesis: w·x + b
    const l = prediction.sub(y).square().mean(); // mean squared error
    l.backward(); // fills w.grad and b.grad
    noGrad(() => {
      w.assign(w.array.sub(w.grad!.array.mul(learningRate))); // w ← w − η ∂L/∂w
      b.assign(b.array.sub(b.grad!.array.mul(learningRate))); // b ← b − η ∂L/∂b
    });
    w.zeroGrad();
    b.zeroGrad();
    return l.item();
  });
  if (step % 20 === 0) console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(5)}`);
}
console.log(`learned w = ${w.item().toFixed(3)}, b = ${b.item().toFixed(3)} (true: 3, 2)`);
