import { noGrad, tensor } from '@mlblocks/autograd';
import { dispose, tidy } from '@mlblocks/core-tensor';
import type { DataLoader } from '@mlblocks/datasets';
import { crossEntropy, type Module } from '@mlblocks/nn-layers';

/** A model's loss and accuracy on a dataset, with every prediction. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  predictions: Int32Array;
  labels: Uint8Array;
}

/**
 * Runs a classifier (logits out) in eval mode without recording gradients over every batch of
 * `loader`: mean cross-entropy, accuracy, and every prediction with its label.
 */
export async function evaluateClassifier(
  model: Module,
  loader: DataLoader<'images' | 'labels'>,
): Promise<Evaluation> {
  model.eval();
  const n = loader.dataset.length;
  const predictions = new Int32Array(n);
  const labels = new Uint8Array(n);
  let lossSum = 0;
  let offset = 0;
  for (const batch of loader) {
    const out = tidy(() =>
      noGrad(() => {
        const logits = model.forward(tensor(batch.images));
        return {
          loss: crossEntropy(logits, batch.labels, { reduction: 'sum' }),
          predicted: logits.array.argmax(-1),
        };
      }),
    );
    const [loss, predicted, truth] = await Promise.all([
      out.loss.data(),
      out.predicted.data(),
      batch.labels.data(),
    ]);
    predictions.set(predicted as Int32Array, offset);
    labels.set(truth as Uint8Array, offset);
    offset += truth.length;
    lossSum += loss[0]!;
    dispose([out, batch]);
  }
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) correct++;
  model.train();
  return { loss: lossSum / n, accuracy: correct / n, predictions, labels };
}
