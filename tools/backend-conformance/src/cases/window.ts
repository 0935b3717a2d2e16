import {
  type ConvGeometry,
  Generator,
  type Pair,
  type WindowOptions,
  windowGeometry,
} from '@mlblocks/core-tensor';
import { type Case, describeInput, input } from './case.js';
import { typedArray } from './values.js';

// The window kernels — convolution forward, its two gradients, max pooling — on awkward geometry:
// 1×1 and 7×7 kernels, strides 2–3, padding (uneven too), dilation, odd sizes, batch 1, channel
// counts that are not multiples of 4, groups and depthwise. They take contiguous inputs (any offset).

/** [input N, C, H, W], [weight Co, C/groups, kh, kw], options */
const CONVOLUTIONS: readonly [readonly number[], readonly number[], WindowOptions & { groups?: number }][] = [
  [[2, 3, 9, 9], [5, 3, 3, 3], {}],
  [[1, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }], // LeNet's first layer
  [[1, 5, 7, 6], [3, 5, 1, 1], {}],
  [[2, 3, 13, 11], [4, 3, 7, 7], { stride: 2, padding: 3 }], // a ResNet stem, small
  [[1, 6, 10, 9], [7, 6, 3, 3], { stride: 3, padding: 1 }],
  [[2, 2, 9, 12], [3, 2, 3, 2], { stride: [2, 1], padding: [1, 0] }],
  [[1, 4, 11, 11], [5, 4, 3, 3], { dilation: 2, padding: 2 }],
  [[2, 6, 8, 7], [9, 2, 3, 3], { groups: 3, padding: 1 }],
  [[1, 7, 9, 9], [7, 1, 3, 3], { groups: 7, stride: 2, padding: 1 }], // depthwise
  [[3, 9, 6, 6], [17, 9, 3, 3], { padding: 1 }],
];

function convGeometryOf(
  xs: readonly number[],
  ws: readonly number[],
  o: WindowOptions & { groups?: number },
): ConvGeometry {
  const window = windowGeometry('conformance', [xs[2]!, xs[3]!], [ws[2]!, ws[3]!], o, 1);
  return { ...window, batch: xs[0]!, inChannels: xs[1]!, outChannels: ws[0]!, groups: o.groups ?? 1 };
}

function name(xs: readonly number[], ws: readonly number[], o: object): string {
  return `x [${xs}], w [${ws}]${Object.keys(o).length ? ` ${JSON.stringify(o)}` : ''}`;
}

export function convolutionCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [xs, ws, o] of CONVOLUTIONS) {
      const g = convGeometryOf(xs, ws, o);
      const ys = [g.batch, g.outChannels, ...g.output];
      for (const layout of ['contiguous', 'offset'] as const) {
        const at = `${name(xs, ws, o)}, ${dtype}${layout === 'offset' ? ', offset views' : ''}`;
        const x = () => input(gen, dtype, xs, layout, 'normal');
        const w = () => input(gen, dtype, ws, layout, 'normal');
        const dy = () => input(gen, dtype, ys, layout, 'normal');
        cases.push(
          {
            family: 'conv2d',
            name: `conv2d ${at}`,
            inputs: [x(), w()],
            run: (b, [xv, wv]) => b.conv2d!(xv!, wv!, g),
            tolerance: 'dot',
            nonFinite: false,
          },
          {
            family: 'conv2dInputGrad',
            name: `conv2dInputGrad ${at}`,
            inputs: [dy(), w()],
            run: (b, [dyv, wv]) => b.conv2dInputGrad!(dyv!, wv!, g),
            tolerance: 'dot',
            nonFinite: false,
          },
          {
            family: 'conv2dWeightGrad',
            name: `conv2dWeightGrad ${at}`,
            inputs: [x(), dy()],
            run: (b, [xv, dyv]) => b.conv2dWeightGrad!(xv!, dyv!, g),
            tolerance: 'dot',
            nonFinite: false,
          },
        );
      }
    }
  }
  return cases;
}

/** [input P planes, H, W], kernel, options */
const POOLS: readonly [readonly number[], Pair, WindowOptions][] = [
  [[6, 8, 8], 2, {}],
  [[3, 7, 9], 3, { stride: 2, padding: 1 }],
  [[2, 11, 10], [3, 2], { stride: [3, 1], dilation: 2 }],
  [[1, 5, 5], 5, {}],
  [[4, 1, 9], [1, 3], { stride: [1, 2] }],
];

export function maxPoolCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [shape, kernel, o] of POOLS) {
      const g = windowGeometry('conformance', [shape[1]!, shape[2]!], kernel, o, kernel);
      for (const layout of ['contiguous', 'offset'] as const) {
        for (const output of [0, 1] as const) {
          cases.push({
            family: 'maxPool2d',
            name: `maxPool2d ${output === 0 ? 'values' : 'indices'} of ${describeInput(dtype, shape, layout)}, kernel ${JSON.stringify(kernel)} ${JSON.stringify(o)}`,
            inputs: [input(gen, dtype, shape, layout, 'normal')],
            run: (b, [xv]) => {
              const [values, indices] = b.maxPool2d!(xv!, g);
              b.free(output === 0 ? indices : values);
              return output === 0 ? values : indices;
            },
            tolerance: 'exact',
            nonFinite: false,
          });
        }
      }
    }
    // ties take the first maximum; NaN wins (the first one) — in planes 4 wide (element by element)
    // and 20 wide (four windows at a time, where a kernel vectorises, then the ragged end)
    const block = (nan: boolean) => [
      [1, 3, 3, 0],
      [2, nan ? Number.NaN : 0, 3, nan ? Number.NaN : 1],
      [0, 0, 5, 5],
      [-1, -2, 5, 4],
    ];
    for (const [what, nan] of [
      ['ties', false],
      ['NaN', true],
    ] as const) {
      for (const width of [4, 20]) {
        const rows = block(nan).map((row, r) =>
          Array.from({ length: width }, (_, c) => (c < 4 ? row[c]! : row[c % 4]! + ((c >> 2) % 2 ? r : 0))),
        );
        cases.push({
          family: 'maxPool2d',
          name: `maxPool2d indices of ${what} in a 4×${width} plane (${dtype})`,
          inputs: [
            {
              dtype,
              data: typedArray(dtype, rows.flat()),
              shape: [1, 4, width],
              strides: [4 * width, width, 1],
              offset: 0,
            },
          ],
          run: (b, [xv]) => {
            const [max, indices] = b.maxPool2d!(xv!, windowGeometry('conformance', [4, width], 2, {}, 2));
            b.free(max);
            return indices;
          },
          tolerance: 'exact',
          nonFinite: nan,
        });
      }
    }
  }
  return cases;
}

/** Max pooling's gradient: output gradients added at random in-plane positions (repeats accumulate). */
export function maxPoolGradCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [shape, kernel, o] of POOLS) {
      const g = windowGeometry('conformance', [shape[1]!, shape[2]!], kernel, o, kernel);
      const out = [shape[0]!, ...g.output];
      const plane = shape[1]! * shape[2]!;
      const count = out[0]! * out[1]! * out[2]!;
      const indices = Array.from({ length: count }, () => gen.nextInt(0, plane));
      cases.push({
        family: 'maxPool2dGrad',
        name: `maxPool2dGrad of ${describeInput(dtype, out, 'contiguous')} into [${shape}], kernel ${JSON.stringify(kernel)} ${JSON.stringify(o)}`,
        inputs: [
          input(gen, dtype, out, 'contiguous', 'normal'),
          {
            dtype: 'int32',
            data: Int32Array.from(indices),
            shape: out,
            strides: [out[1]! * out[2]!, out[2]!, 1],
            offset: 0,
          },
        ],
        run: (b, [dy, idx]) => b.maxPool2dGrad!(dy!, idx!, g),
        tolerance: 'accumulation',
        nonFinite: false,
      });
    }
  }
  return cases;
}
