import { type Tensor, tensor } from '@mlblocks/autograd';
import { DTypeError, type NDArray } from '@mlblocks/core-tensor';
import { type InitOptions, normal } from '../init/initializers.js';
import { Module } from '../module/module.js';

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`: `forward(ids)` returns
 * `weight[ids]` with shape `[...ids.shape, embeddingDim]`. Its gradient is a scatter-add into the
 * rows that were used. Initialised N(0, 1) as in PyTorch.
 */
export class Embedding extends Module {
  weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: InitOptions = {},
  ) {
    super();
    this.weight = tensor(normal([numEmbeddings, embeddingDim], 0, 1, options), { requiresGrad: true });
  }

  forward(ids: Tensor | NDArray): Tensor {
    const indices = 'array' in ids ? ids.array : ids;
    if (indices.dtype !== 'int32' && indices.dtype !== 'uint8') {
      throw new DTypeError('Embedding.forward', `ids must be int32, got ${indices.dtype}`);
    }
    return this.weight.indexSelect(0, indices);
  }
}
