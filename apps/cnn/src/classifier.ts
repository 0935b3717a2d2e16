import { noGrad, type Tensor, tensor } from '@mlblocks/autograd';
import { dispose, fromArray, type NDArray, tidy } from '@mlblocks/core-tensor';
import { deserializeSafetensors, ReLU, Tanh } from '@mlblocks/nn-layers';
import type { LeNet5 } from '@mlblocks/nn-layers/models';
import { type CheckpointInfo, infoFromMetadata } from './checkpoint.js';
import { buildNet } from './net.js';

/** The network's answer for one image, with what it saw on the way. */
export interface Classification {
  label: number;
  probabilities: number[];
  logits: number[];
  /** The feature maps after each convolution stage: `count` maps of `side × side`. */
  maps: { count: number; side: number; values: Float32Array }[];
}

/**
 * A network trained by `train`, rebuilt from its checkpoint's bytes (safetensors; in the browser
 * or in Node) on a backend, in eval mode. `classify` runs one 28×28 image forward — stage by
 * stage, keeping the feature maps — and reads everything back asynchronously (WebGPU works).
 */
export class DigitClassifier {
  private constructor(
    readonly net: LeNet5,
    readonly info: CheckpointInfo,
    readonly backend: string,
  ) {}

  /** From the bytes of a `model.safetensors` written by `train`. */
  static fromBytes(bytes: Uint8Array, backend: string, source = 'model.safetensors'): DigitClassifier {
    const { tensors, metadata } = deserializeSafetensors(bytes);
    const info = infoFromMetadata(metadata, source);
    const net = buildNet(info.config, { backend });
    const moved = new Map([...tensors].map(([k, v]) => [k, v.to(backend)]));
    net.loadStateDict(moved);
    dispose([...tensors.values(), ...moved.values()]);
    net.eval();
    return new DigitClassifier(net, info, backend);
  }

  /** Classifies 28×28 pixels (0–255, bright ink on black, as MNIST). */
  async classify(pixels: Uint8Array): Promise<Classification> {
    const { mean, std } = this.info.stats;
    const out = tidy(() =>
      noGrad(() => {
        const x = fromArray(pixels, { shape: [1, 1, 28, 28], backend: this.backend })
          .cast('float32')
          .mul(1 / 255)
          .sub(mean)
          .div(std);
        let h: Tensor = tensor(x);
        const maps: NDArray[] = [];
        for (const layer of this.net.features) {
          h = layer.forward(h) as Tensor;
          if (layer instanceof ReLU || layer instanceof Tanh) maps.push(h.array.ref());
        }
        let y = h.flatten(1);
        for (const layer of this.net.classifier) y = layer.forward(y) as Tensor;
        return { logits: y.array.ref(), probabilities: y.softmax(-1).array.ref(), maps };
      }),
    );
    const [logits, probabilities, ...maps] = await Promise.all([
      out.logits.data(),
      out.probabilities.data(),
      ...out.maps.map((m) => m.data()),
    ]);
    const shapes = out.maps.map((m) => m.shape);
    dispose([out.logits, out.probabilities, ...out.maps]);
    const p = [...probabilities];
    return {
      label: p.indexOf(Math.max(...p)),
      probabilities: p,
      logits: [...logits],
      maps: maps.map((values, i) => ({
        count: shapes[i]![1]!,
        side: shapes[i]![2]!,
        values: values as Float32Array,
      })),
    };
  }

  /** Frees the network's arrays. */
  dispose(): void {
    dispose([...this.net.stateDict().values()]);
  }
}
