import { noGrad, type Tensor, tensor } from '@mlblocks/autograd';
import { dispose, fromArray, Generator, type NDArray, tidy } from '@mlblocks/core-tensor';
import { CrossEntropyLoss, Linear, type Sequential } from '@mlblocks/nn-layers';
import { Adam, type Optimizer, SGD } from '@mlblocks/optim';
import type { Points, Split } from './datasets.js';
import { buildNetwork, type NetworkShape } from './network.js';

/** Everything the controls set. */
export interface TrainerConfig extends NetworkShape {
  learningRate: number;
  batchSize: number;
  /** L2 regularization rate (weight decay). */
  regularization: number;
  optimizer: 'adam' | 'sgd';
  seed: number;
}

interface DeviceSet {
  x: NDArray;
  y: NDArray;
  n: number;
}

/**
 * Trains the playground's network on a 2-D dataset with mlblocks on any backend. `step()` runs one
 * mini-batch (forward, loss, backward, optimizer step); `losses()` reads the full train and test
 * losses back (the only asynchronous calls, so WebGPU works the same as the CPU).
 */
export class Trainer {
  readonly model: Sequential;
  steps = 0;
  private readonly optimizer: Optimizer;
  private readonly lossFn = new CrossEntropyLoss();
  private readonly train: DeviceSet;
  private readonly test: DeviceSet;
  private readonly generator: Generator;
  private order: number[] = [];

  constructor(
    data: Split,
    readonly config: TrainerConfig,
    readonly backend: string,
  ) {
    this.generator = new Generator(config.seed);
    this.model = buildNetwork(config, { generator: this.generator, backend });
    const options = { lr: config.learningRate, weightDecay: config.regularization };
    this.optimizer =
      config.optimizer === 'adam'
        ? new Adam(this.model.parameters(), options)
        : new SGD(this.model.parameters(), options);
    this.train = this.upload(data.train);
    this.test = this.upload(data.test);
  }

  private upload(points: Points): DeviceSet {
    const n = points.y.length;
    return {
      x: fromArray(points.x, { shape: [n, 2], backend: this.backend }),
      y: fromArray(points.y, { shape: [n], dtype: 'int32', backend: this.backend }),
      n,
    };
  }

  /** One mini-batch step: forward, loss, backward, step, zero the gradients. */
  step(): void {
    const batch = this.nextBatch();
    tidy(() => {
      const index = fromArray(batch, { dtype: 'int32', backend: this.backend });
      const x = tensor(this.train.x.indexSelect(0, index));
      const y = this.train.y.indexSelect(0, index);
      const loss = this.lossFn.forward(this.model.forward(x), y);
      loss.backward();
      this.optimizer.step();
      this.optimizer.zeroGrad();
    });
    this.steps++;
  }

  private nextBatch(): number[] {
    const size = Math.min(this.config.batchSize, this.train.n);
    if (this.order.length < size) {
      const fresh = Array.from({ length: this.train.n }, (_, i) => i);
      for (let i = fresh.length - 1; i > 0; i--) {
        const j = this.generator.nextInt(0, i + 1);
        [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
      }
      this.order.push(...fresh);
    }
    return this.order.splice(0, size);
  }

  /** Mean cross-entropy on the whole training and test sets. */
  async losses(): Promise<{ train: number; test: number }> {
    const [train, test] = tidy(() =>
      noGrad(() =>
        [this.train, this.test].map((set) =>
          this.lossFn.forward(this.model.forward(tensor(set.x.ref())), set.y),
        ),
      ),
    ) as Tensor[];
    const values = await Promise.all([train!.itemAsync(), test!.itemAsync()]);
    dispose([train, test]);
    return { train: values[0]!, test: values[1]! };
  }

  /**
   * The network on a grid of points: p(class 1) for each point and the activation of every hidden
   * neuron (layer by layer), for the decision-boundary heat map and the neuron maps.
   */
  async probe(grid: Float32Array): Promise<{ probability: Float32Array; neurons: Float32Array[][] }> {
    const n = grid.length / 2;
    const outputs = tidy(() =>
      noGrad(() => {
        let h = tensor(fromArray(grid, { shape: [n, 2], backend: this.backend }));
        const hidden: Tensor[] = [];
        for (const layer of this.model.layers) {
          h = layer.forward(h) as Tensor;
          if (!(layer instanceof Linear)) hidden.push(h); // after each activation
        }
        return { probability: h.softmax(-1).slice(null, 1), hidden };
      }),
    );
    const probability = (await outputs.probability.data()) as Float32Array;
    const neurons: Float32Array[][] = [];
    for (const layer of outputs.hidden) {
      const values = (await layer.data()) as Float32Array; // [n, neurons], row-major
      const count = layer.shape[1]!;
      neurons.push(
        Array.from({ length: count }, (_, j) =>
          Float32Array.from({ length: n }, (_, i) => values[i * count + j]!),
        ),
      );
    }
    dispose(outputs);
    return { probability, neurons };
  }

  dispose(): void {
    this.optimizer.dispose();
    dispose([this.train.x, this.train.y, this.test.x, this.test.y]);
    dispose(this.model.parameters());
  }
}
