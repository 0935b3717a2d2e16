import { type Tensor, tensor } from '@mlblocks/autograd';
import { checkOptions, DTypeError, IndexError, type NDArray } from '@mlblocks/core-tensor';
import { INIT_OPTIONS, type InitOptions, initOptions, normal } from '../init/initializers.js';
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
    checkOptions('Embedding', options, INIT_OPTIONS);
    this.weight = tensor(normal([numEmbeddings, embeddingDim], 0, 1, initOptions(options)), {
      requiresGrad: true,
    });
  }

  forward(ids: Tensor | NDArray): Tensor {
    const indices = 'array' in ids ? ids.array : ids;
    if (indices.dtype !== 'int32' && indices.dtype !== 'uint8') {
      throw new DTypeError('Embedding.forward', `ids must be int32, got ${indices.dtype}`);
    }
    // NOTE: the same check indexSelect makes, reported as this layer's (where values are readable)
    if (indices.backend.readSync) {
      const values = indices.dataSync();
      for (let i = 0; i < values.length; i++) {
        const id = values[i]!;
        if (id < 0 || id >= this.numEmbeddings) {
          throw new IndexError(
            'Embedding.forward',
            `id ${id} (at flat position ${i} of ids [${indices.shape.join(',')}]) is out of range for Embedding(${this.numEmbeddings}, ${this.embeddingDim}); valid ids: 0..${this.numEmbeddings - 1}`,
          );
        }
      }
    }
    return this.weight.indexSelect(0, indices);
  }
}
