import { tensor } from '@mlblocks/autograd';
import { fromArray, ShapeError, ValueError } from '@mlblocks/core-tensor';
import {
  AdaptiveAvgPool2d,
  adaptiveAvgPool2d,
  avgPool2d,
  Conv2d,
  conv2d,
  conv2dReference,
  MaxPool2d,
  maxPool2d,
  outputSize,
} from '@mlblocks/nn-layers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, expectGradcheck, rn } from './helpers.js';

describe('convolution', () => {
  it('output size is ⌊(N + 2P − F)/S⌋ + 1 (with dilation), and a kernel that does not fit is a clear error', () => {
    expect(outputSize('conv', 'height', 32, 5, 1, 0, 1)).toBe(28); // LeNet C1
    expect(outputSize('conv', 'height', 227, 11, 4, 0, 1)).toBe(55); // AlexNet conv1
    expect(outputSize('conv', 'height', 7, 3, 2, 1, 1)).toBe(4);
    expect(outputSize('conv', 'height', 7, 3, 1, 0, 2)).toBe(3);
    const conv = new Conv2d(1, 2, 5);
    expect(() => conv.forward(tensor(rn(1, 1, 4, 4)))).toThrow(ShapeError);
    expect(() => conv.forward(tensor(rn(1, 1, 4, 4)))).toThrow(
      /kernel does not fit along height: input 4 \+ 2·padding 0 = 4 < kernel span 5/,
    );
    expect(() => conv.forward(tensor(rn(1, 3, 8, 8)))).toThrow(
      /Conv2d\(1 → 2, 5×5\) expects inputs of shape \[N, 1, H, W\], got \[1,3,8,8\]/,
    );
    expect(() => new Conv2d(4, 6, 3, { groups: 4 })).toThrow(
      /groups must be a positive integer dividing both inChannels \(4\) and outChannels \(6\)/,
    );
    expect(() => new Conv2d(4, 6, 3, { grups: 2 } as never)).toThrow(
      /unknown option 'grups' \(did you mean 'groups'\?\)/,
    );
    expect(() => new MaxPool2d(2, { strides: 2 } as never)).toThrow(/MaxPool2d: unknown option 'strides'/);
    expect(() => new Conv2d(1, 1, 0)).toThrow(ValueError);
  });

  it('im2col + matmul agrees with the seven-loop reference on random geometry (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 2 }),
          c: fc.integer({ min: 1, max: 3 }),
          co: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 3, max: 8 }),
          w: fc.integer({ min: 3, max: 8 }),
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 3 }),
          p: fc.integer({ min: 0, max: 2 }),
          d: fc.integer({ min: 1, max: 2 }),
        }),
        ({ n, c, co, h, w, k, s, p, d }) => {
          if (h + 2 * p < d * (k - 1) + 1 || w + 2 * p < d * (k - 1) + 1) return;
          const x = rn(n, c, h, w).cast('float32');
          const wt = rn(co, c, k, k).cast('float32');
          const b = rn(co).cast('float32');
          const opts = { stride: s, padding: p, dilation: d };
          const fast = conv2d(tensor(x), tensor(wt), tensor(b), opts).array;
          const ref = conv2dReference(x, wt, b, opts);
          expect(fast.shape).toEqual(ref.shape);
          expectClose(fast.dataSync(), ref.dataSync(), 1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gradients of conv2d (input, weight, bias) with stride, padding and dilation', () => {
    expectGradcheck((x, w, b) => conv2d(x, w, b), [rn(2, 2, 5, 5), rn(3, 2, 3, 3), rn(3)]);
    expectGradcheck(
      (x, w) => conv2d(x, w, null, { stride: 2, padding: 1 }),
      [rn(1, 2, 5, 6), rn(2, 2, 3, 3)],
    );
    expectGradcheck(
      (x, w) => conv2d(x, w, null, { dilation: 2, padding: [1, 2] }),
      [rn(1, 1, 6, 6), rn(2, 1, 2, 3)],
    );
  });

  it('pooling: values and gradients', () => {
    const x = fromArray([
      [
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
          [9, 10, 11, 12],
          [13, 14, 15, 16],
        ],
      ],
    ]);
    expect(maxPool2d(tensor(x), 2).toArraySync()).toEqual([
      [
        [
          [6, 8],
          [14, 16],
        ],
      ],
    ]);
    expect(avgPool2d(tensor(x), 2).toArraySync()).toEqual([
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ]);
    expect(new MaxPool2d(3, { stride: 1, padding: 1 }).forward(tensor(x)).shape).toEqual([1, 1, 4, 4]);
    expect(adaptiveAvgPool2d(tensor(x), 1).toArraySync()).toEqual([[[[8.5]]]]);
    expect(new AdaptiveAvgPool2d([2, 2]).forward(tensor(x)).toArraySync()).toEqual([
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ]);
    expectGradcheck((a) => maxPool2d(a, 2), [rn(2, 2, 4, 4)]);
    expectGradcheck((a) => maxPool2d(a, 3, { stride: 2, padding: 1 }), [rn(1, 2, 5, 5)]);
    expectGradcheck((a) => avgPool2d(a, [2, 3], { stride: 1 }), [rn(1, 2, 4, 5)]);
    expectGradcheck((a) => adaptiveAvgPool2d(a, [2, 3]), [rn(2, 1, 5, 7)]);
  });
});
