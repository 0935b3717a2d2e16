import { noGrad, tensor } from '@mlblocks/autograd';
import { dispose, Generator, tidy } from '@mlblocks/core-tensor';
import type { Batch } from '@mlblocks/datasets';
import { CrossEntropyLoss, Linear } from '@mlblocks/nn-layers';
import { SGD } from '@mlblocks/optim';
import { evaluateClassifier, type ImageData, imageLoader, type TrainingProgress } from 'lesson-kit';

/** One measurement: the full training loss after `examples` examples and `seconds` of training. */
export interface LossPoint {
  method: string;
  step: number;
  examples: number;
  seconds: number;
  loss: number;
}

/** How a method did over the budget. */
export interface MethodSummary {
  method: string;
  steps: number;
  examples: number;
  seconds: number;
  trainLoss: number;
  testAccuracy: number;
}

export interface CompareOptions {
  backend: string;
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  /** Measure the full training loss every this many mini-batch steps (SGD). */
  evalEvery: number;
}

/**
 * Softmax regression (h(x) = Wx + b, from W = 0) trained twice on the same data with the same
 * learning rate and the same budget of examples (`epochs` passes):
 * - full-batch gradient descent: one step per epoch, each on the exact gradient of all images;
 * - mini-batch SGD: `length / batchSize` steps per epoch, each on a shuffled batch.
 * The full training loss is recorded along the way; the clock runs only while training (the extra
 * loss evaluations of SGD are not timed).
 */
export async function compareGdSgd(
  data: ImageData,
  options: CompareOptions,
  progress: TrainingProgress,
): Promise<{ points: LossPoint[]; summaries: MethodSummary[] }> {
  const n = data.train.length;
  // every training image in one batch, resident on the backend for the whole comparison
  const full: Batch<'images' | 'labels'> = imageLoader(data.train, null, {
    batchSize: n,
    shuffle: false,
    generator: new Generator(0),
    backend: options.backend,
  }).batch(Int32Array.from({ length: n }, (_, i) => i));
  const testLoader = imageLoader(data.test, null, {
    batchSize: 1000,
    shuffle: false,
    generator: new Generator(0),
    backend: options.backend,
  });
  const points: LossPoint[] = [];
  const summaries: MethodSummary[] = [];
  try {
    for (const method of ['full-batch GD', `mini-batch SGD (batch ${options.batchSize})`]) {
      const isFull = method.startsWith('full');
      const model = new Linear(full.images.shape[1]!, data.train.numClasses, {
        backend: options.backend,
      });
      noGrad(() => {
        model.weight.assign(0);
        model.bias!.assign(0);
      });
      const optimizer = new SGD(model.parameters(), { lr: options.lr });
      const lossFn = new CrossEntropyLoss();
      const fullLoss = async () => {
        const loss = tidy(() =>
          noGrad(() => lossFn.forward(model.forward(tensor(full.images.ref())), full.labels)),
        );
        const value = await loss.itemAsync();
        loss.dispose();
        return value;
      };
      let seconds = 0;
      let examples = 0;
      let step = 0;
      points.push({ method, step, examples, seconds, loss: await fullLoss() });
      const loader = imageLoader(data.train, null, {
        batchSize: isFull ? n : options.batchSize,
        shuffle: !isFull,
        generator: new Generator(options.seed),
        backend: options.backend,
      });
      const stepsPerEpoch = isFull ? 1 : loader.length;
      for (let epoch = 1; epoch <= options.epochs; epoch++) {
        progress.startEpoch(epoch, options.epochs, stepsPerEpoch);
        const batches = isFull ? [full] : loader;
        let inEpoch = 0;
        for (const batch of batches) {
          const start = performance.now();
          const loss = tidy(() => {
            // tensor() takes its array over: hand it a second handle (ref) so the resident full
            // batch survives the scope
            const l = lossFn.forward(model.forward(tensor(batch.images.ref())), batch.labels);
            l.backward();
            optimizer.step();
            optimizer.zeroGrad();
            return l;
          });
          const value = await loss.itemAsync(); // waits for the GPU too: part of the step's time
          seconds += (performance.now() - start) / 1000;
          loss.dispose();
          const size = batch.labels.shape[0]!;
          if (batch !== full) dispose(batch);
          step++;
          inEpoch++;
          examples += size;
          progress.update(inEpoch, { loss: value });
          // for full-batch GD the step's own loss is the full loss (before the update); measure
          // after the update so that both methods are sampled the same way
          if (isFull || step % options.evalEvery === 0 || inEpoch === stepsPerEpoch) {
            points.push({ method, step, examples, seconds, loss: await fullLoss() });
          }
        }
        progress.stopEpoch();
      }
      const evaluation = await evaluateClassifier(model, testLoader);
      summaries.push({
        method,
        steps: step,
        examples,
        seconds,
        trainLoss: points[points.length - 1]!.loss,
        testAccuracy: evaluation.accuracy,
      });
      optimizer.dispose();
    }
  } finally {
    dispose(full);
  }
  return { points, summaries };
}
