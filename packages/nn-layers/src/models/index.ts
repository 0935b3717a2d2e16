/**
 * @mlblocks/nn-layers/models — the networks of the CNN lesson with torchvision's module and
 * parameter names: LeNet-5, AlexNet, ResNet-18/34 (basic blocks), and loading torchvision state
 * dicts by those names.
 */
export { AlexNet, type AlexNetOptions } from './alexnet.js';
export { LeNet5, type LeNet5Options } from './lenet.js';
export { BasicBlock, ResNet, type ResNetOptions, resnet18, resnet34 } from './resnet.js';
export { runLayers } from './run.js';
export {
  describeModule,
  type LoadTorchvisionOptions,
  type LoadTorchvisionResult,
  loadTorchvisionState,
  torchvisionName,
  torchvisionStateDict,
  type WeightProblem,
  WeightsMismatchError,
} from './torchvision.js';
