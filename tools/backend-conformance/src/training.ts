// Autograd on a backend: the same loss and gradients as on the CPU, and a training loop whose live
// memory stays flat. Reads go through the asynchronous API, so GPU backends run them unchanged.
import { noGrad, softmaxCrossEntropy, type Tensor, tensor } from '@mlblocks/autograd';
import { Generator, memory, randint, randn, tidy } from '@mlblocks/core-tensor';
import { expect } from 'vitest';

const gen = new Generator(3);
const x = randn([16, 20], { generator: gen });
const labels = randint(0, 5, [16], { generator: gen });
const w1 = randn([20, 32], { generator: gen }).mul(0.2);
const w2 = randn([32, 5], { generator: gen }).mul(0.2);

function gradients(backend: string) {
  const [a, b] = [
    tensor(w1.to(backend), { requiresGrad: true }),
    tensor(w2.to(backend), { requiresGrad: true }),
  ];
  const logits = tensor(x.to(backend)).matmul(a).tanh().matmul(b);
  const loss = softmaxCrossEntropy(logits, labels.to(backend));
  loss.backward();
  return { loss, grads: [a.grad!, b.grad!] as Tensor[] };
}

/** A 20-32-5 tanh MLP with cross-entropy: loss to 5 decimals and gradients to 1e-5 (relative) of the CPU's. */
export async function expectCpuLossAndGradients(backend: string): Promise<void> {
  const cpu = gradients('cpu');
  const got = gradients(backend);
  expect(await got.loss.itemAsync()).toBeCloseTo(cpu.loss.item(), 5);
  for (const [i, g] of got.grads.entries()) {
    const want = cpu.grads[i]!.dataSync();
    const have = await g.data();
    for (let j = 0; j < want.length; j++)
      expect(Math.abs(have[j]! - want[j]!)).toBeLessThan(1e-5 * (1 + Math.abs(want[j]!)));
  }
}

/**
 * `steps` SGD steps of a ReLU MLP in `tidy`: the backend's live buffers and bytes after them equal
 * those after the first step, as does `reserved()` when given (e.g. a heap's reserved bytes), and
 * the loss falls below half its first value (it learned).
 */
export async function expectFlatTraining(
  backend: string,
  options: { steps?: number; reserved?: () => number } = {},
): Promise<void> {
  const a = tensor(w1.to(backend), { requiresGrad: true });
  const b = tensor(w2.to(backend), { requiresGrad: true });
  const xs = tensor(x.to(backend));
  const ys = labels.to(backend);
  const step = () =>
    tidy(() => {
      const loss = softmaxCrossEntropy(xs.matmul(a).relu().matmul(b), ys);
      loss.backward();
      noGrad(() => {
        for (const p of [a, b]) p.assign(p.array.sub(p.grad!.array.mul(0.05)));
      });
      a.zeroGrad();
      b.zeroGrad();
      return loss.detach();
    });
  const first = step();
  const firstLoss = await first.itemAsync();
  first.dispose();
  const before = memory().backends[backend];
  const reserved = options.reserved?.();
  let last = step();
  for (let i = 1; i < (options.steps ?? 1000); i++) {
    last.dispose();
    last = step();
  }
  const lastLoss = await last.itemAsync();
  last.dispose();
  expect(memory().backends[backend]).toEqual(before);
  if (options.reserved) expect(options.reserved()).toBe(reserved);
  expect(lastLoss).toBeLessThan(firstLoss * 0.5);
}
