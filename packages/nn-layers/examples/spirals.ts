// A complete training loop with nn-layers + optim: an MLP learns the two-spirals problem
// (200 points that no straight line separates) to 100% training accuracy.
import { type Tensor, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, tidy } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, Linear, Sequential, Tanh } from '@mlblocks/nn-layers';
import { Adam } from '@mlblocks/optim';

/** Two interleaved spirals, `n` points each, labels 0 and 1. */
export function twoSpirals(n: number) {
  const points: number[][] = [];
  const labels: number[] = [];
  for (let cls = 0; cls < 2; cls++) {
    for (let i = 0; i < n; i++) {
      const r = ((i + 1) / n) * 5; // from i + 1: both spirals would otherwise share the origin
      const angle = ((i + 1) / n) * 3 * Math.PI + cls * Math.PI;
      points.push([(r * Math.cos(angle)) / 5, (r * Math.sin(angle)) / 5]);
      labels.push(cls);
    }
  }
  return { x: tensor(points), y: fromArray(labels, { dtype: 'int32' }) };
}

export function train(steps = 1500, log: (line: string) => void = console.log): number {
  const gen = new Generator(0);
  const model = new Sequential(
    new Linear(2, 64, { generator: gen }),
    new Tanh(),
    new Linear(64, 64, { generator: gen }),
    new Tanh(),
    new Linear(64, 2, { generator: gen }),
  );
  const { x, y } = twoSpirals(100);
  const lossFn = new CrossEntropyLoss();
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  let accuracy = 0;
  for (let step = 1; step <= steps; step++) {
    const loss = tidy(() => {
      const logits: Tensor = model.forward(x); // forward
      const l = lossFn.forward(logits, y); // loss
      l.backward(); // backward: gradients of every parameter
      optimizer.step(); // update
      optimizer.zeroGrad();
      accuracy = logits.array.argmax(1).eq(y).mean().item();
      return l.item();
    });
    if (step % 300 === 0)
      log(`step ${step}  loss ${loss.toFixed(4)}  train accuracy ${(accuracy * 100).toFixed(1)}%`);
  }
  return accuracy;
}

if (import.meta.url === `file://${process.argv[1]}`) train();
