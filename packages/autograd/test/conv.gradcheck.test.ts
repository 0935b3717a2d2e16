// The convolution and pooling ops against central finite differences (float64): awkward
// geometries (1×1 and 7×7 kernels, strides 2–3, padding, dilation, groups, depthwise, batch 1).
import { avgPool2d, conv2d, maxPool2d } from '@mlblocks/autograd';
import { fromArray } from '@mlblocks/core-tensor';
import { describe, it } from 'vitest';
import { expectGradcheck, rn } from './helpers.js';

describe('gradcheck: convolution', () => {
  it('conv2d with bias: input, weight and bias gradients', () => {
    expectGradcheck((x, w, b) => conv2d(x, w, b), [rn(2, 3, 5, 6), rn(4, 3, 3, 3), rn(4)]);
    expectGradcheck((x, w) => conv2d(x, w), [rn(1, 2, 4, 4), rn(3, 2, 1, 1)]);
    expectGradcheck((x, w) => conv2d(x, w, null, { padding: 3 }), [rn(1, 2, 5, 5), rn(2, 2, 7, 7)]);
  });

  it('conv2d with stride, uneven padding, dilation', () => {
    expectGradcheck(
      (x, w) => conv2d(x, w, null, { stride: 2, padding: 1 }),
      [rn(2, 2, 7, 6), rn(3, 2, 3, 3)],
    );
    expectGradcheck(
      (x, w) => conv2d(x, w, null, { stride: [3, 2], padding: [1, 0] }),
      [rn(1, 2, 8, 7), rn(2, 2, 3, 2)],
    );
    expectGradcheck(
      (x, w) => conv2d(x, w, null, { dilation: 2, padding: 1 }),
      [rn(1, 2, 7, 7), rn(2, 2, 3, 3)],
    );
  });

  it('conv2d with groups and depthwise', () => {
    expectGradcheck(
      (x, w) => conv2d(x, w, null, { groups: 2, padding: 1 }),
      [rn(1, 4, 5, 5), rn(6, 2, 3, 3)],
    );
    expectGradcheck(
      (x, w, b) => conv2d(x, w, b, { groups: 3, stride: 2 }),
      [rn(2, 3, 6, 6), rn(3, 1, 3, 3), rn(3)],
    );
  });
});

describe('gradcheck: pooling', () => {
  it('maxPool2d (no ties), with stride and padding', () => {
    // distinct values, so no window has two maxima (the gradient is undefined at a tie)
    const distinct = (n: number, ...shape: number[]) =>
      fromArray(
        Array.from({ length: n }, (_, i) => ((i * 37) % n) / n - 0.5),
        { shape, dtype: 'float64' },
      );
    expectGradcheck((x) => maxPool2d(x, 2), [distinct(2 * 3 * 4 * 4, 2, 3, 4, 4)]);
    expectGradcheck((x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [distinct(2 * 7 * 7, 1, 2, 7, 7)]);
  });

  it('avgPool2d, with stride and padding', () => {
    expectGradcheck((x) => avgPool2d(x, 2), [rn(2, 3, 4, 6)]);
    expectGradcheck((x) => avgPool2d(x, 3, { stride: 2, padding: 1 }), [rn(1, 2, 7, 7)]);
  });
});
