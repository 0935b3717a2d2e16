// Convolution and max pooling: the CPU kernels against the seven-loop definition and against the
// im2col composition (what backends without window kernels run), on awkward geometries; the two
// gradients against the adjoint identities ⟨conv(x, w), dy⟩ = ⟨x, ∂x⟩ = ⟨w, ∂w⟩; errors.
import {
  type Conv2dOptions,
  CpuBackend,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  DTypeError,
  fromArray,
  Generator,
  maxPool2d,
  maxPool2dGrad,
  type NDArray,
  randn,
  registerBackend,
  removeBackend,
  ShapeError,
  ValueError,
  windowGeometry,
} from '@mlblocks/core-tensor';
import { afterAll, describe, expect, it } from 'vitest';

// the CPU backend without its window kernels: the NDArray layer composes them (gather + matmul)
const composed = new CpuBackend('composed');
for (const k of ['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad', 'maxPool2d'] as const)
  Object.assign(composed, { [k]: undefined });
registerBackend('composed', composed);
afterAll(() => removeBackend('composed'));

const gen = new Generator(5);
const rn = (...shape: number[]) => randn(shape, { generator: gen, dtype: 'float64' });

/** The definition: batch × out channel × out row × out column × in channel × kernel row × column. */
function naiveConv(x: NDArray, w: NDArray, o: Conv2dOptions): Float64Array {
  const [N, C, H, W] = x.shape as number[];
  const [Co, Cg, kh, kw] = w.shape as number[];
  const groups = o.groups ?? 1;
  const g = windowGeometry('naive', [H!, W!], [kh!, kw!], o, 1);
  const [ho, wo] = g.output;
  const xs = x.dataSync();
  const ws = w.dataSync();
  const out = new Float64Array(N! * Co! * ho * wo);
  for (let n = 0; n < N!; n++)
    for (let co = 0; co < Co!; co++)
      for (let y = 0; y < ho; y++)
        for (let xo = 0; xo < wo; xo++) {
          let acc = 0;
          const group = Math.floor(co / (Co! / groups));
          for (let c = 0; c < Cg!; c++)
            for (let i = 0; i < kh!; i++)
              for (let j = 0; j < kw!; j++) {
                const r = y * g.stride[0] + i * g.dilation[0] - g.padding[0];
                const q = xo * g.stride[1] + j * g.dilation[1] - g.padding[1];
                if (r < 0 || r >= H! || q < 0 || q >= W!) continue;
                const cin = group * Cg! + c;
                acc += xs[((n * C! + cin) * H! + r) * W! + q]! * ws[((co * Cg! + c) * kh! + i) * kw! + j]!;
              }
          out[((n * Co! + co) * ho + y) * wo + xo] = acc;
        }
  return out;
}

function dot(a: NDArray, b: NDArray): number {
  return a.mul(b).sum().item();
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    if (!(Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!))))
      throw new Error(`element ${i}: got ${got[i]}, want ${want[i]}`);
}

/** [input shape, weight shape, options]: 1×1 and 7×7 kernels, strides 2–3, dilation, groups, depthwise, batch 1. */
const CASES: [number[], number[], Conv2dOptions][] = [
  [[2, 3, 7, 7], [4, 3, 3, 3], {}],
  [[1, 1, 5, 6], [2, 1, 1, 1], {}],
  [[2, 5, 9, 11], [3, 5, 7, 7], { padding: 3 }],
  [[1, 3, 10, 9], [6, 3, 3, 3], { stride: 2, padding: 1 }],
  [[2, 2, 11, 13], [3, 2, 3, 2], { stride: [3, 2], padding: [1, 0] }],
  [[1, 4, 9, 9], [2, 4, 3, 3], { dilation: 2, padding: 2 }],
  [[2, 6, 6, 5], [4, 3, 3, 3], { groups: 2, padding: 1 }],
  [[1, 5, 8, 7], [5, 1, 3, 3], { groups: 5, stride: 2, padding: 1 }], // depthwise
  [[1, 7, 4, 4], [14, 1, 2, 2], { groups: 7 }], // depthwise with a multiplier
];

describe('conv2d on the CPU', () => {
  it.each(CASES)('x %j, w %j, %j: equals the definition and the im2col composition', (xs, wsh, o) => {
    const [x, w] = [rn(...xs), rn(...wsh)];
    const want = naiveConv(x, w, o);
    expectClose(conv2d(x, w, o).dataSync(), want, 1e-12);
    expectClose(conv2d(x.to('composed'), w.to('composed'), o).dataSync(), want, 1e-12);
    // float32 (the CPU accumulates in float64 and rounds)
    expectClose(conv2d(x.cast('float32'), w.cast('float32'), o).dataSync(), want, 1e-5);
  });

  it.each(CASES)(
    'x %j, w %j, %j: the gradients are the adjoints, and match the composition',
    (xs, wsh, o) => {
      const [x, w] = [rn(...xs), rn(...wsh)];
      const y = conv2d(x, w, o);
      const dy = rn(...y.shape);
      const dx = conv2dInputGrad(dy, w, [xs[2]!, xs[3]!], o);
      const dw = conv2dWeightGrad(x, dy, [wsh[2]!, wsh[3]!], o);
      expect(dx.shape).toEqual(xs);
      expect(dw.shape).toEqual(wsh);
      const yDy = dot(y, dy);
      expect(dot(x, dx)).toBeCloseTo(yDy, 9);
      expect(dot(w, dw)).toBeCloseTo(yDy, 9);
      const [xc, wc, dyc] = [x.to('composed'), w.to('composed'), dy.to('composed')];
      expectClose(conv2dInputGrad(dyc, wc, [xs[2]!, xs[3]!], o).dataSync(), dx.dataSync(), 1e-12);
      expectClose(conv2dWeightGrad(xc, dyc, [wsh[2]!, wsh[3]!], o).dataSync(), dw.dataSync(), 1e-12);
    },
  );

  it('names the layer shapes and what would fit when they do not', () => {
    const x = rn(1, 3, 5, 5);
    expect(() => conv2d(x, rn(4, 2, 3, 3))).toThrow(ShapeError);
    expect(() => conv2d(x, rn(4, 2, 3, 3))).toThrow(
      /3 channels, so a weight needs 3 input channels: \[4,3,3,3\], got \[4,2,3,3\]/,
    );
    expect(() => conv2d(x, rn(4, 3, 7, 7))).toThrow(
      /kernel does not fit along height: input 5 \+ 2·padding 0 = 5 < kernel span 7/,
    );
    expect(() => conv2d(x, rn(4, 1, 3, 3), { groups: 2 })).toThrow(ValueError);
    expect(() => conv2d(x.cast('int32'), rn(4, 3, 3, 3))).toThrow(DTypeError); // int32 → float32 would round
    expect(() => conv2d(rn(3, 5, 5), rn(4, 3, 3, 3))).toThrow(/expects input \[N, C, H, W\], got \[3,5,5\]/);
    expect(() => conv2dInputGrad(rn(1, 4, 2, 2), rn(4, 3, 3, 3), [5, 5])).toThrow(
      /output shape \[1,4,3,3\] \(input \[1,3,5,5\]\), got \[1,4,2,2\]/,
    );
  });
});

describe('maxPool2d on the CPU', () => {
  it('takes the first maximum of each window, skips the padding, and NaN wins', () => {
    const x = fromArray([
      [
        [
          [1, 3, 3, 0],
          [2, Number.NaN, 1, 1],
          [0, 0, 5, 5],
          [-1, -2, 5, 4],
        ],
      ],
    ]);
    const { values, indices } = maxPool2d(x, 2);
    expect(values.toArraySync()).toEqual([
      [
        [
          [Number.NaN, 3],
          [0, 5],
        ],
      ],
    ]);
    expect(indices.toArraySync()).toEqual([
      [
        [
          [5, 2],
          [8, 10],
        ],
      ],
    ]);
    const padded = maxPool2d(
      fromArray([
        [
          [
            [-1, -2],
            [-3, -4],
          ],
        ],
      ]),
      2,
      { padding: 1, stride: 1 },
    );
    expect(padded.values.toArraySync()).toEqual([
      [
        [
          [-1, -1, -2],
          [-1, -1, -2],
          [-3, -3, -4],
        ],
      ],
    ]);
    expect(padded.indices.dtype).toBe('int32');
  });

  it.each([
    [[2, 3, 7, 7], 3, { stride: 2, padding: 1 }],
    [[1, 2, 9, 8], 2, {}],
    [[1, 1, 10, 11], [3, 2], { stride: [3, 1], dilation: 2 }],
  ] as const)('%j, kernel %j, %j: equals the composition', (shape, kernel, o) => {
    const x = rn(...shape).cast('float32');
    const cpu = maxPool2d(x, kernel, o);
    const via = maxPool2d(x.to('composed'), kernel, o);
    expect(cpu.values.dataSync()).toEqual(via.values.dataSync());
    expect(cpu.indices.dataSync()).toEqual(via.indices.dataSync());
  });

  it('the gradient adds each output gradient at its maximum (overlapping windows accumulate), as composed', () => {
    const x = rn(2, 3, 7, 7).cast('float32');
    const o = { stride: 2, padding: 1 };
    const { values, indices } = maxPool2d(x, 3, o);
    const dy = rn(...values.shape).cast('float32');
    const dx = maxPool2dGrad(dy, indices, [7, 7], 3, o);
    const via = maxPool2dGrad(dy.to('composed'), indices.to('composed'), [7, 7], 3, o);
    expectClose(dx.dataSync(), via.dataSync(), 1e-6);
    expect(dx.sum().item()).toBeCloseTo(dy.sum().item(), 4); // every gradient lands somewhere
    expect(() => maxPool2dGrad(dy, indices.cast('float32'), [7, 7], 3, o)).toThrow(/int32 indices/);
  });

  it('refuses padding beyond half the kernel', () => {
    expect(() => maxPool2d(rn(1, 1, 4, 4), 2, { padding: 2 })).toThrow(/at most half the kernel/);
  });
});
