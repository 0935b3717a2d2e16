/**
 * @mlblocks/nn-layers/models — the networks of the CNN lesson (LeNet-5, AlexNet, ResNet-18/34)
 * with torchvision's module and parameter names, and loading torchvision state dicts.
 */
export * from './models/index.js';
