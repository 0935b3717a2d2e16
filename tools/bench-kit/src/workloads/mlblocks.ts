import { linear, softmaxCrossEntropy, type Tensor, tensor } from '@mlblocks/autograd';
import { Generator, randint, randn, tidy } from '@mlblocks/core-tensor';
import { Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@mlblocks/nn-layers';
import { SGD } from '@mlblocks/optim';
import { matmulGflops, timeStep } from '../timing.js';
import { CNN, MLP, type Runner, SLOW_MATMUL_MAX } from './spec.js';

/** Options of {@link mlblocksRunner}. */
export interface MlblocksRunnerOptions {
  /** Skip matmul sizes above this (default: none). */
  maxMatmul?: number;
}

/** The workloads on a registered mlblocks backend. */
export function mlblocksRunner(backend: string, name: string, options: MlblocksRunnerOptions = {}): Runner {
  const generator = new Generator(0);
  const maxMatmul = options.maxMatmul ?? (backend === 'cpu' ? SLOW_MATMUL_MAX : Number.POSITIVE_INFINITY);
  return {
    name,
    async matmul(n) {
      if (n > maxMatmul) return null;
      const a = randn([n, n], { generator }).to(backend);
      const b = randn([n, n], { generator }).to(backend);
      const gflops = await matmulGflops(n, () => a.matmul(b));
      a.dispose();
      b.dispose();
      return gflops;
    },

    async mlp() {
      const x = tensor(randn([MLP.batch, MLP.inputs], { generator }).to(backend));
      const y = randint(0, MLP.classes, [MLP.batch], { generator }).to(backend);
      const params = [
        randn([MLP.hidden, MLP.inputs], { generator }).mul(0.05),
        randn([MLP.hidden], { generator }).mul(0),
        randn([MLP.classes, MLP.hidden], { generator }).mul(0.05),
        randn([MLP.classes], { generator }).mul(0),
      ].map((p) => tensor(p.to(backend), { requiresGrad: true }));
      const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
      // optim's SGD, as the TF.js row uses its optimizer: one fused update per parameter where the backend has it
      const optimizer = new SGD(params, { lr: MLP.lr });
      const seconds = await timeStep(async () => {
        const loss = tidy(() => {
          // the layers as nn-layers' Linear runs them: product, bias and activation in one op
          const l = softmaxCrossEntropy(linear(linear(x, w1, b1, { activation: 'relu' }), w2, b2), y);
          l.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return l.detach();
        });
        await loss.itemAsync();
        loss.dispose();
      });
      return MLP.batch / seconds;
    },

    async cnn() {
      const [c0, c1, c2] = CNN.channels;
      const init = { generator, backend };
      const model = new Sequential(
        new Conv2d(c0, c1, CNN.kernel, init),
        new ReLU(),
        new Conv2d(c1, c2, CNN.kernel, init),
        new ReLU(),
        new MaxPool2d(CNN.pool),
        new Flatten(),
        new Linear(CNN.flat, CNN.classes, init),
      );
      const optimizer = new SGD(model.parameters(), { lr: CNN.lr });
      const x = tensor(randn([CNN.batch, c0, CNN.size, CNN.size], { generator }).to(backend));
      const y = randint(0, CNN.classes, [CNN.batch], { generator }).to(backend);
      const seconds = await timeStep(async () => {
        const loss = tidy(() => {
          const l = crossEntropy(model.forward(x), y);
          l.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return l.detach();
        });
        await loss.itemAsync();
        loss.dispose();
      });
      return CNN.batch / seconds;
    },
  };
}
