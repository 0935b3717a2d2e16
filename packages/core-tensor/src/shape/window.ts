import { ShapeError, ValueError } from '../errors.js';

/** A size given once for both spatial axes, or as `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Stride, padding and dilation of a 2-D window op (convolution, pooling). */
export interface WindowOptions {
  /** Step between windows (default 1 for convolution, the kernel size for pooling). */
  stride?: Pair;
  /** Zeros added on each side (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
}

/** A 2-D window op's geometry, every size resolved: what backends' window kernels receive. */
export interface WindowGeometry {
  /** Height and width of the input. */
  input: [number, number];
  /** Height and width of the output. */
  output: [number, number];
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** A convolution's geometry: the window plus batch, channels and groups. */
export interface ConvGeometry extends WindowGeometry {
  batch: number;
  inChannels: number;
  outChannels: number;
  /** Channels are split into this many independent groups (1: every output sees every input channel). */
  groups: number;
}

/** Reads a {@link Pair} as `[height, width]` integers ≥ `min`, naming `name` in the error. */
export function pair(op: string, name: string, value: Pair, min: number): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < min || b < min) {
    throw new ValueError(op, `${name} must be integers ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return [a, b];
}

/**
 * Output size of a window op along one axis: ⌊(N + 2P − D·(F − 1) − 1) / S⌋ + 1, the lesson's
 * (N + 2P − F)/S + 1 with dilation, rounded down like PyTorch (ResNet's 7×7 stride-2 stem on 224
 * pixels gives 112.5 → 112). Throws when the (dilated) kernel is larger than the padded input.
 */
export function windowOutputSize(
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

/**
 * Resolves a 2-D window op's geometry on an input of `input` = `[H, W]`: kernel, stride (default
 * `defaultStride`), padding and dilation, and the output size.
 */
export function windowGeometry(
  op: string,
  input: readonly [number, number],
  kernel: Pair,
  options: WindowOptions,
  defaultStride: Pair,
): WindowGeometry {
  const k = pair(op, 'kernel size', kernel, 1);
  const s = pair(op, 'stride', options.stride ?? defaultStride, 1);
  const p = pair(op, 'padding', options.padding ?? 0, 0);
  const d = pair(op, 'dilation', options.dilation ?? 1, 1);
  const output: [number, number] = [
    windowOutputSize(op, 'height', input[0], k[0], s[0], p[0], d[0]),
    windowOutputSize(op, 'width', input[1], k[1], s[1], p[1], d[1]),
  ];
  return { input: [input[0], input[1]], output, kernel: k, stride: s, padding: p, dilation: d };
}
