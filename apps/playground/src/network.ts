import type { Generator } from '@mlblocks/core-tensor';
import { Linear, type Module, ReLU, Sequential, Sigmoid, Tanh } from '@mlblocks/nn-layers';

export type Activation = 'tanh' | 'relu' | 'sigmoid';
export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid'];

/** The network: 2 inputs → hidden layers (`neurons[i]` each, σ after each) → 2 class scores. */
export interface NetworkShape {
  neurons: number[];
  activation: Activation;
}

export function buildNetwork(
  shape: NetworkShape,
  options: { generator: Generator; backend: string },
): Sequential {
  const layers: Module[] = [];
  let width = 2;
  for (const n of shape.neurons) {
    layers.push(new Linear(width, n, options), activationLayer(shape.activation));
    width = n;
  }
  layers.push(new Linear(width, 2, options));
  return new Sequential(...layers);
}

function activationLayer(activation: Activation): Module {
  if (activation === 'relu') return new ReLU();
  if (activation === 'sigmoid') return new Sigmoid();
  return new Tanh();
}
