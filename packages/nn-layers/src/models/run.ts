import type { Tensor } from '@mlblocks/autograd';
import type { Module } from '../module/module.js';

/**
 * Applies `layers` one after another. The models keep their stages in plain arrays (a field
 * `features: Module[]` is walked like PyTorch's `nn.Sequential`, its children numbered
 * `features.0`, `features.1`, …), so their parameter names are torchvision's.
 */
export function runLayers(layers: readonly Module[], x: Tensor): Tensor {
  let h = x;
  for (const layer of layers) h = layer.forward(h) as Tensor;
  return h;
}
