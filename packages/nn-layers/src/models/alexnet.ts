import type { Tensor } from '@mlblocks/autograd';
import { checkOptions, type OptionNames, ShapeError, ValueError } from '@mlblocks/core-tensor';
import { INIT_OPTIONS, type InitOptions } from '../init/initializers.js';
import { ReLU } from '../layers/activations.js';
import { Dropout } from '../layers/container.js';
import { AdaptiveAvgPool2d, Conv2d, MaxPool2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module/module.js';
import { runLayers } from './run.js';

/** Options of {@link AlexNet}. */
export interface AlexNetOptions extends InitOptions {
  /** Output classes (default 1,000: ImageNet's). */
  numClasses?: number;
  /** Dropout probability before the first two fully connected layers (default 0.5). */
  dropout?: number;
}

const ALEXNET_OPTIONS: OptionNames<AlexNetOptions> = { ...INIT_OPTIONS, numClasses: true, dropout: true };

/**
 * AlexNet as torchvision builds it (`torchvision.models.alexnet`, after Krizhevsky's "one weird
 * trick" single-tower variant): five convolutions (11×11 stride 4 → 64, 5×5 → 192, 3×3 → 384,
 * 256, 256) with ReLU and three 3×3 stride-2 max poolings, an adaptive average pooling to 6×6,
 * then dropout and fully connected layers 9,216 → 4,096 → 4,096 → classes. With 1,000 classes it
 * has torchvision's 61,100,840 parameters under torchvision's names (`features.0.weight`, …,
 * `classifier.6.bias`), so a torchvision state dict loads unchanged (see `loadTorchvisionState`).
 * Expects `[N, 3, H, W]` images of at least 63×63 (224×224 for ImageNet weights).
 *
 * @example
 * const net = new AlexNet();
 * net.parameterCount(); // 61,100,840
 */
export class AlexNet extends Module {
  features: Module[];
  avgpool: AdaptiveAvgPool2d;
  classifier: Module[];
  /** Classes of the output layer (changed by `resetClassifier`). */
  numClasses: number;

  constructor(options: AlexNetOptions = {}) {
    super();
    checkOptions('AlexNet', options, ALEXNET_OPTIONS);
    const { numClasses = 1000, dropout = 0.5, generator, backend } = options;
    if (!Number.isInteger(numClasses) || numClasses < 1)
      throw new ValueError('AlexNet', `numClasses must be an integer ≥ 1, got ${numClasses}`);
    if (!(dropout >= 0 && dropout < 1))
      throw new ValueError('AlexNet', `dropout must be in [0, 1), got ${dropout}`);
    const init = { generator, backend };
    this.features = [
      new Conv2d(3, 64, 11, { stride: 4, padding: 2, ...init }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2, ...init }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1, ...init }),
      new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1, ...init }),
      new ReLU(),
      new Conv2d(256, 256, 3, { padding: 1, ...init }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
    ];
    this.avgpool = new AdaptiveAvgPool2d(6);
    this.classifier = [
      new Dropout(dropout),
      new Linear(256 * 6 * 6, 4096, init),
      new ReLU(),
      new Dropout(dropout),
      new Linear(4096, 4096, init),
      new ReLU(),
      new Linear(4096, numClasses, init),
    ];
    this.numClasses = numClasses;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== 3) {
      throw new ShapeError(
        'AlexNet.forward',
        `AlexNet expects RGB images [N, 3, H, W] (224×224 for ImageNet weights), got [${x.shape.join(',')}]`,
      );
    }
    const h = this.avgpool.forward(runLayers(this.features, x));
    return runLayers(this.classifier, h.flatten(1));
  }

  /** The output layer (`classifier.6`). */
  get head(): Linear {
    return this.classifier[6] as Linear;
  }

  /**
   * Replaces the output layer by a new, freshly initialised `Linear(4096 → numClasses)` and
   * returns it (the previous head is dropped, not disposed).
   */
  resetClassifier(numClasses: number, options: InitOptions = {}): Linear {
    const head = new Linear(4096, numClasses, options);
    this.classifier[6] = head;
    this.numClasses = numClasses;
    return head;
  }
}
