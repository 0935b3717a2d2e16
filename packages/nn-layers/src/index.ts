/**
 * @mlblocks/nn-layers — Module, layers, losses, initializers, checkpoints and summary().
 * This file is the package's only public door (file-system helpers live in `@mlblocks/nn-layers/node`).
 */

export {
  type Pair,
  type WindowOptions,
  /** The output size of a window op along one axis (core-tensor's `windowOutputSize`). */
  windowOutputSize as outputSize,
} from '@mlblocks/core-tensor';
export {
  deserializeSafetensors,
  type SafetensorsContent,
  serializeSafetensors,
} from './checkpoint/safetensors.js';
export { CheckpointFormatError, StateDictError } from './errors.js';
export { adaptiveAvgPool2d } from './functional/adaptive-pool.js';
export { avgPool2d, conv2d, maxPool2d, pad2d } from './functional/conv.js';
export { conv2dReference } from './functional/conv-reference.js';
export {
  type BCEWithLogitsOptions,
  bceWithLogits,
  type CrossEntropyLossOptions,
  crossEntropy,
  mseLoss,
  type NLLLossOptions,
  nllLoss,
  type Reduction,
} from './functional/losses.js';
export {
  calculateGain,
  fans,
  type InitOptions,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  type Nonlinearity,
  normal,
  uniform,
  xavierNormal,
  xavierUniform,
} from './init/initializers.js';
export { GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from './layers/activations.js';
export { Dropout, Flatten, Sequential } from './layers/container.js';
export { AdaptiveAvgPool2d, AvgPool2d, Conv2d, type Conv2dOptions, MaxPool2d } from './layers/conv.js';
export { Embedding } from './layers/embedding.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions, LayerNorm } from './layers/norm.js';
export * from './layers/recurrent/index.js';
export { ResidualBlock } from './layers/residual.js';
export { BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss } from './losses/losses.js';
export { Module, type StateDict } from './module/module.js';
export { type LayerSummary, type ModelSummary, summary } from './summary/summary.js';
