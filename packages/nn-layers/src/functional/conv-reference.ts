import { fromArray, type NDArray, type WindowOptions, windowGeometry } from '@mlblocks/core-tensor';

/**
 * The lesson's convolution, written as the seven nested loops — batch, output channel, output
 * row, output column, input channel, kernel row, kernel column — on plain arrays. Slow and
 * obviously right: it is the reference the fast im2col version is tested against.
 */
export function conv2dReference(
  x: NDArray,
  weight: NDArray,
  bias: NDArray | null = null,
  options: WindowOptions = {},
): NDArray {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Co, , kh, kw] = weight.shape as [number, number, number, number];
  const g = windowGeometry('conv2dReference', [H, W], [kh, kw], options, 1);
  const [ho, wo] = g.output;
  const xs = x.contiguous().dataSync();
  const ws = weight.contiguous().dataSync();
  const bs = bias?.dataSync();
  const out = new Float64Array(N * Co * ho * wo);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Co; co++)
      for (let y = 0; y < ho; y++)
        for (let xo = 0; xo < wo; xo++) {
          let acc = bs ? bs[co]! : 0;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const row = y * g.stride[0] + i * g.dilation[0] - g.padding[0];
                const col = xo * g.stride[1] + j * g.dilation[1] - g.padding[1];
                if (row < 0 || row >= H || col < 0 || col >= W) continue; // zero padding
                acc += xs[((n * C + c) * H + row) * W + col]! * ws[((co * C + c) * kh + i) * kw + j]!;
              }
          out[((n * Co + co) * ho + y) * wo + xo] = acc;
        }
  return fromArray(out, { shape: [N, Co, ho, wo], backend: x.backend.name }).cast(x.dtype);
}
