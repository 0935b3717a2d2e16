import type { Generator } from '@mlblocks/core-tensor';
import { Linear, type Module, ReLU, Sequential, Sigmoid, Tanh } from '@mlblocks/nn-layers';
import type { Activation } from './options.js';

/** The shape of a multilayer perceptron; stored in the checkpoint so `predict` can rebuild it. */
export interface MlpShape {
  inputs: number;
  hidden: number;
  layers: number;
  activation: Activation;
  classes: number;
}

function nonlinearity(activation: Activation): Module {
  if (activation === 'sigmoid') return new Sigmoid();
  if (activation === 'tanh') return new Tanh();
  return new ReLU();
}

/**
 * The lesson's network: `y = W2·σ(W1·x)` (with biases) for one hidden layer; with `layers` > 1,
 * more `Linear → σ` blocks of the same width before the output layer. Weights are drawn from
 * `generator` (PyTorch's default initialization) directly on `backend`.
 */
export function buildMlp(
  shape: MlpShape,
  options: { generator?: Generator; backend?: string } = {},
): Sequential {
  const blocks: Module[] = [];
  let width = shape.inputs;
  for (let i = 0; i < shape.layers; i++) {
    blocks.push(new Linear(width, shape.hidden, options), nonlinearity(shape.activation));
    width = shape.hidden;
  }
  blocks.push(new Linear(width, shape.classes, options));
  return new Sequential(...blocks);
}

/** "784-256-10 ReLU" */
export function describeMlp(shape: MlpShape): string {
  const widths = [shape.inputs, ...new Array<number>(shape.layers).fill(shape.hidden), shape.classes];
  return `${widths.join('-')} ${shape.activation === 'relu' ? 'ReLU' : shape.activation}`;
}
