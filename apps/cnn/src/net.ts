import type { Generator } from '@mlblocks/core-tensor';
import { LeNet5 } from '@mlblocks/nn-layers/models';

/** The networks `train` and `transfer` build (both LeNet-5 sized: 61,706 weights, plus batch norm). */
export type NetName = 'lenet5' | 'lenet5-classic';
export const NETS: readonly NetName[] = ['lenet5', 'lenet5-classic'];

/** What is needed to rebuild a network; stored in the checkpoint's metadata. */
export interface NetConfig {
  net: NetName;
  /** Classes of the output layer. */
  classes: number;
  /** Side of the square grayscale input (28 for MNIST and Fashion-MNIST). */
  inputSize: number;
}

/**
 * The lesson's network. `lenet5` is LeNet-5 as it is trained today — ReLU, max pooling, batch norm
 * after every convolution and hidden fully connected layer — with LeCun's layer sizes (5×5
 * convolutions to 6 and 16 maps, 400 → 120 → 84 → classes); `lenet5-classic` is LeCun's 1998
 * original with tanh and average pooling. Both from `@mlblocks/nn-layers/models`.
 */
export function buildNet(
  config: NetConfig,
  options: { generator?: Generator; backend?: string } = {},
): LeNet5 {
  const modern = config.net === 'lenet5';
  return new LeNet5({
    numClasses: config.classes,
    inputSize: config.inputSize,
    activation: modern ? 'relu' : 'tanh',
    pooling: modern ? 'max' : 'avg',
    batchNorm: modern,
    ...options,
  });
}

/** "LeNet-5 (ReLU, max pooling, batch norm)" */
export function describeNet(net: NetName): string {
  return net === 'lenet5'
    ? 'LeNet-5 (ReLU, max pooling, batch norm)'
    : 'LeNet-5 (classic: tanh, average pooling)';
}
