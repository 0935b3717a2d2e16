import type { Tensor } from '@mlblocks/autograd';
import { ValueError } from '@mlblocks/core-tensor';
import { Module } from '../module/module.js';

/**
 * Modules applied one after another: `new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10))`.
 * Children are named by position (`layers.0.weight`).
 */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h) as Tensor;
    return h;
  }
}

/** Merges axes `startAxis..endAxis` (default: everything but the batch axis). */
export class Flatten extends Module {
  constructor(
    readonly startAxis = 1,
    readonly endAxis = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startAxis, this.endAxis);
  }
}

/** Inverted dropout with probability `p` in training mode; identity in eval mode. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError('Dropout', `p must be in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return x.dropout(this.p, { training: this.training });
  }
}
