import { Tensor } from '@mlblocks/autograd';
import { fromArray, type Pair, pair, ShapeError } from '@mlblocks/core-tensor';

/**
 * Average pooling to a fixed output size, whatever the input size (used before the classifier
 * of ResNet-style networks). Output cell (y, x) averages rows ⌊yH/Ho⌋..⌈(y+1)H/Ho⌉ and likewise
 * for columns, as PyTorch does. Written as one matrix product with a fixed averaging matrix, so
 * the gradient is that matrix transposed.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  if (x.rank !== 4)
    throw new ShapeError('adaptiveAvgPool2d', `expects input [N, C, H, W], got [${x.shape.join(',')}]`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [ho, wo] = pair('adaptiveAvgPool2d', 'output size', outputSize, 1);
  const weights = new Float64Array(H * W * ho * wo);
  for (let y = 0; y < ho; y++) {
    const [r0, r1] = [Math.floor((y * H) / ho), Math.ceil(((y + 1) * H) / ho)];
    for (let xo = 0; xo < wo; xo++) {
      const [c0, c1] = [Math.floor((xo * W) / wo), Math.ceil(((xo + 1) * W) / wo)];
      const share = 1 / ((r1 - r0) * (c1 - c0));
      for (let r = r0; r < r1; r++)
        for (let c = c0; c < c1; c++) weights[(r * W + c) * ho * wo + y * wo + xo] = share;
    }
  }
  // NOTE: uploaded in the input's precision: WebGPU has no float64 arrays
  const values = x.dtype === 'float64' ? weights : Float32Array.from(weights);
  const pool = new Tensor(
    fromArray(values, { shape: [H * W, ho * wo], backend: x.array.backend.name }).cast(x.dtype),
  );
  return x
    .reshape(N * C, H * W)
    .matmul(pool)
    .reshape(N, C, ho, wo);
}
