import type { Tensor } from '@mlblocks/autograd';
import { checkOptions, type OptionNames, ShapeError, ValueError } from '@mlblocks/core-tensor';
import { INIT_OPTIONS, type InitOptions } from '../init/initializers.js';
import { ReLU, Tanh } from '../layers/activations.js';
import { Dropout } from '../layers/container.js';
import { AvgPool2d, Conv2d, MaxPool2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import { BatchNorm1d, BatchNorm2d } from '../layers/norm.js';
import { Module } from '../module/module.js';
import { runLayers } from './run.js';

/** Options of {@link LeNet5}. */
export interface LeNet5Options extends InitOptions {
  /** Output classes (default 10). */
  numClasses?: number;
  /** Input channels (default 1: grayscale). */
  inChannels?: number;
  /** Height and width of the (square) input images (default 28, MNIST's). */
  inputSize?: number;
  /**
   * Zero padding of the first convolution (default 2: a 28×28 image is seen as LeCun's 32×32,
   * and the first feature maps stay 28×28).
   */
  padding?: number;
  /** The nonlinearity: `tanh` (LeCun's, the default) or `relu` (the modern choice). */
  activation?: 'tanh' | 'relu';
  /** Subsampling: `avg` (LeCun's, the default) or `max`. */
  pooling?: 'avg' | 'max';
  /** Batch norm after each convolution and hidden fully connected layer (default false). */
  batchNorm?: boolean;
  /** Dropout probability before each fully connected layer (default 0: none). */
  dropout?: number;
}

const LENET_OPTIONS: OptionNames<LeNet5Options> = {
  ...INIT_OPTIONS,
  numClasses: true,
  inChannels: true,
  inputSize: true,
  padding: true,
  activation: true,
  pooling: true,
  batchNorm: true,
  dropout: true,
};

/**
 * LeNet-5 (LeCun et al., 1998): C1 a 5×5 convolution to 6 maps, S2 2×2 subsampling, C3 a 5×5
 * convolution to 16 maps, S4 subsampling, then fully connected layers 400 → 120 → 84 → classes.
 * With the defaults (10 classes, 28×28 grayscale input padded to 32×32, tanh, average pooling)
 * it has 61,706 parameters. `activation: 'relu'`, `pooling: 'max'`, `batchNorm` and `dropout`
 * give the modern variant of the same size.
 *
 * Layers are kept as torchvision keeps AlexNet's: `features` (convolutions, activations,
 * pooling) and `classifier` (fully connected), so the parameters are `features.0.weight`,
 * `classifier.0.weight`, … and `features` can be run stage by stage to look at feature maps.
 *
 * @example
 * const net = new LeNet5({ activation: 'relu', pooling: 'max' });
 * net.forward(images).shape; // [batch, 10] for images [batch, 1, 28, 28]
 */
export class LeNet5 extends Module {
  features: Module[];
  classifier: Module[];
  readonly inChannels: number;
  readonly inputSize: number;
  /** Classes of the output layer (changed by `resetClassifier`). */
  numClasses: number;

  constructor(options: LeNet5Options = {}) {
    super();
    checkOptions('LeNet5', options, LENET_OPTIONS);
    const {
      numClasses = 10,
      inChannels = 1,
      inputSize = 28,
      padding = 2,
      activation = 'tanh',
      pooling = 'avg',
      batchNorm = false,
      dropout = 0,
      generator,
      backend,
    } = options;
    for (const [name, value, min] of [
      ['numClasses', numClasses, 1],
      ['inChannels', inChannels, 1],
      ['inputSize', inputSize, 1],
      ['padding', padding, 0],
    ] as const) {
      if (!Number.isInteger(value) || value < min)
        throw new ValueError('LeNet5', `${name} must be an integer ≥ ${min}, got ${value}`);
    }
    if (activation !== 'tanh' && activation !== 'relu')
      throw new ValueError('LeNet5', `activation must be 'tanh' or 'relu', got '${activation}'`);
    if (pooling !== 'avg' && pooling !== 'max')
      throw new ValueError('LeNet5', `pooling must be 'avg' or 'max', got '${pooling}'`);
    if (!(dropout >= 0 && dropout < 1))
      throw new ValueError('LeNet5', `dropout must be in [0, 1), got ${dropout}`);
    // the map size after C1 (5×5, padding), S2 (2×2), C3 (5×5), S4 (2×2)
    const c1 = inputSize + 2 * padding - 4;
    const side = Math.floor((Math.floor(c1 / 2) - 4) / 2);
    if (side < 1) {
      throw new ShapeError(
        'LeNet5',
        `an input of ${inputSize}×${inputSize} with padding ${padding} is too small for LeNet-5's two 5×5 convolutions and 2×2 poolings (needs inputSize + 2·padding ≥ 16)`,
      );
    }
    const init = { generator, backend };
    const act = () => (activation === 'relu' ? new ReLU() : new Tanh());
    const pool = () => (pooling === 'max' ? new MaxPool2d(2) : new AvgPool2d(2));
    const conv = (cin: number, cout: number, p: number): Module[] => [
      new Conv2d(cin, cout, 5, { padding: p, ...init }),
      ...(batchNorm ? [new BatchNorm2d(cout, { backend })] : []),
      act(),
      pool(),
    ];
    const fc = (fin: number, fout: number): Module[] => [
      ...(dropout > 0 ? [new Dropout(dropout)] : []),
      new Linear(fin, fout, init),
      ...(batchNorm ? [new BatchNorm1d(fout, { backend })] : []),
      act(),
    ];
    this.features = [...conv(inChannels, 6, padding), ...conv(6, 16, 0)];
    this.classifier = [
      ...fc(16 * side * side, 120),
      ...fc(120, 84),
      ...(dropout > 0 ? [new Dropout(dropout)] : []),
      new Linear(84, numClasses, init),
    ];
    this.inChannels = inChannels;
    this.inputSize = inputSize;
    this.numClasses = numClasses;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(
        'LeNet5.forward',
        `LeNet5 expects images [N, ${this.inChannels}, ${this.inputSize}, ${this.inputSize}], got [${x.shape.join(',')}]`,
      );
    }
    return runLayers(this.classifier, runLayers(this.features, x).flatten(1));
  }

  /** The output layer (`classifier`'s last `Linear`). */
  get head(): Linear {
    return this.classifier[this.classifier.length - 1] as Linear;
  }

  /**
   * Replaces the output layer by a new, freshly initialised `Linear(84 → numClasses)` (transfer
   * learning: a new task's classes) and returns it. It requires gradients, whatever was frozen;
   * the previous head is dropped, not disposed.
   */
  resetClassifier(numClasses: number, options: InitOptions = {}): Linear {
    const head = new Linear(84, numClasses, options);
    this.classifier[this.classifier.length - 1] = head;
    this.numClasses = numClasses;
    return head;
  }
}
