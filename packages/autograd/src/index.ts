/**
 * @mlblocks/autograd — reverse-mode automatic differentiation over @mlblocks/core-tensor.
 * This file is the package's only public door.
 */
export { type BackwardOptions, topologicalOrder } from './engine/backward.js';
export { enableGrad, isGradEnabled, noGrad } from './engine/grad-mode.js';
export type { BackwardFn, Node } from './engine/node.js';
export { PartialGradient } from './engine/partial-gradient.js';
export { type OpResult, record } from './engine/record.js';
export { unbroadcast } from './engine/unbroadcast.js';
export { AutogradError } from './errors.js';
export { type GradcheckOptions, type GradcheckReport, type GradcheckWorst, gradcheck } from './gradcheck.js';
export { add, div, mul, neg, pow, sub } from './ops/arithmetic.js';
export { avgPool2d, conv2d, maxPool2d } from './ops/conv.js';
export {
  type CrossEntropyOptions,
  checkClassLabels,
  checkClassWeight,
  softmaxCrossEntropy,
} from './ops/cross-entropy.js';
export { type DropoutOptions, dropout } from './ops/dropout.js';
export { gather, indexSelect } from './ops/indexing.js';
export { concat, split, stack } from './ops/join.js';
export type { TensorLike } from './ops/lift.js';
export { type LinearOptions, linear } from './ops/linear.js';
export { matmul } from './ops/matmul.js';
export { gruCellUpdate, lstmCellUpdate } from './ops/recurrent.js';
export { logSoftmax, logsumexp, max, mean, min, softmax, sum, variance } from './ops/reduce.js';
export { clip, maximum, minimum, where } from './ops/select.js';
export { expand, flatten, permute, reshape, slice, squeeze, transpose, unsqueeze } from './ops/shape.js';
export { abs, exp, gelu, leakyRelu, log, relu, sigmoid, sqrt, square, tanh } from './ops/unary.js';
export { isTensor, Tensor, type TensorOptions, tensor } from './tensor.js';
