import { fromArray, type NDArray, ShapeError, ValueError } from '@mlblocks/core-tensor';

/** A size given once for both spatial axes, or as `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Stride, padding and dilation of a 2-D window op. */
export interface WindowOptions {
  /** Step between windows (default 1 for conv, the kernel size for pooling). */
  stride?: Pair;
  /** Zeros added on each side (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
}

export function pair(op: string, name: string, value: Pair, min: number): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < min || b < min) {
    throw new ValueError(op, `${name} must be integers ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return [a, b];
}

/**
 * Output size of a window op along one axis: ⌊(N + 2P − D·(F − 1) − 1) / S⌋ + 1, the lesson's
 * (N + 2P − F)/S + 1 with dilation. Throws when the (dilated) kernel is larger than the padded input.
 */
export function outputSize(
  op: string,
  axis: string,
  n: number,
  f: number,
  s: number,
  p: number,
  d: number,
): number {
  const span = d * (f - 1) + 1;
  if (n + 2 * p < span) {
    throw new ShapeError(
      op,
      `kernel does not fit along ${axis}: input ${n} + 2·padding ${p} = ${n + 2 * p} < kernel span ${span} (kernel ${f}, dilation ${d}); use a smaller kernel or more padding`,
    );
  }
  return Math.floor((n + 2 * p - span) / s) + 1;
}

/** Fully resolved geometry of one 2-D window op. */
export interface Geometry {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  input: [number, number];
  output: [number, number];
}

export function geometry(
  op: string,
  input: [number, number],
  kernel: Pair,
  options: WindowOptions,
  defaultStride: Pair,
): Geometry {
  const k = pair(op, 'kernel size', kernel, 1);
  const s = pair(op, 'stride', options.stride ?? defaultStride, 1);
  const p = pair(op, 'padding', options.padding ?? 0, 0);
  const d = pair(op, 'dilation', options.dilation ?? 1, 1);
  const output: [number, number] = [
    outputSize(op, 'height', input[0], k[0], s[0], p[0], d[0]),
    outputSize(op, 'width', input[1], k[1], s[1], p[1], d[1]),
  ];
  return { kernel: k, stride: s, padding: p, dilation: d, input, output };
}

const indexCache = new Map<string, NDArray>();

/**
 * The im2col gather index: for channel c, kernel tap (i, j) and output position (y, x), the flat
 * position in a padded `[C, Hp, Wp]` image of the pixel that tap reads. Laid out `[C·kh·kw, Ho·Wo]`,
 * so gathering with it turns convolution into one matrix product. Cached per geometry and backend.
 */
export function im2colIndex(channels: number, g: Geometry, backend: string): NDArray {
  const key = `${backend}:${channels}:${JSON.stringify(g)}`;
  const cached = indexCache.get(key);
  if (cached && !cached.isDisposed) return cached;
  const [kh, kw] = g.kernel;
  const [ho, wo] = g.output;
  const hp = g.input[0] + 2 * g.padding[0];
  const wp = g.input[1] + 2 * g.padding[1];
  const index = new Int32Array(channels * kh * kw * ho * wo);
  let n = 0;
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let y = 0; y < ho; y++)
          for (let x = 0; x < wo; x++) {
            const row = y * g.stride[0] + i * g.dilation[0];
            const col = x * g.stride[1] + j * g.dilation[1];
            index[n++] = (c * hp + row) * wp + col;
          }
  const array = fromArray(index, { backend });
  indexCache.set(key, array);
  return array;
}
