import {
  type Generator,
  type NDArray,
  type OptionNames,
  rand,
  randn,
  ValueError,
} from '@mlblocks/core-tensor';

/** Options shared by the random initializers. */
export interface InitOptions {
  /** Generator to draw from (default: the global one, see core-tensor's `seed`). */
  generator?: Generator;
  /** Backend for the created array (default: the default backend). */
  backend?: string;
}

/** @internal The names of `InitOptions`, for layers that check their own options. */
export const INIT_OPTIONS: OptionNames<InitOptions> = { generator: true, backend: true };

/** @internal Just the initializer options out of a layer's options (the rest are the layer's). */
export function initOptions(options: InitOptions): InitOptions {
  return { generator: options.generator, backend: options.backend };
}

/** Nonlinearities `calculateGain` knows, as in PyTorch. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu' | 'conv2d';

/**
 * Fan-in and fan-out of a weight shape: `[out, in]` for Linear, `[out, in, kh, kw]` for Conv2d
 * (the receptive field multiplies both).
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2)
    throw new ValueError('fans', `needs a weight of rank ≥ 2, got shape [${shape.join(',')}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** The recommended gain for a nonlinearity (PyTorch's table): relu √2, tanh 5/3, leaky_relu √(2/(1+a²)), … */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case 'relu':
      return Math.SQRT2;
    case 'tanh':
      return 5 / 3;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + negativeSlope ** 2));
    case 'selu':
      return 3 / 4;
    default:
      return 1;
  }
}

/** U(low, high). */
export function uniform(
  shape: readonly number[],
  low: number,
  high: number,
  options: InitOptions = {},
): NDArray {
  const u = rand(shape, initOptions(options));
  const out = u.mul(high - low).add(low);
  u.dispose();
  return out;
}

/** N(mean, std²). */
export function normal(shape: readonly number[], mean = 0, std = 1, options: InitOptions = {}): NDArray {
  const n = randn(shape, initOptions(options));
  const out = n.mul(std).add(mean);
  n.dispose();
  return out;
}

/** Glorot & Bengio (2010): U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform(shape: readonly number[], gain = 1, options: InitOptions = {}): NDArray {
  const { fanIn, fanOut } = fans(shape);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(shape, -a, a, options);
}

/** Glorot & Bengio (2010): N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(shape: readonly number[], gain = 1, options: InitOptions = {}): NDArray {
  const { fanIn, fanOut } = fans(shape);
  return normal(shape, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/** Options of the Kaiming initializers. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (PyTorch's `a`). Default 0. */
  a?: number;
  /** Preserve the variance of activations (`fanIn`, default) or of gradients (`fanOut`). */
  mode?: 'fanIn' | 'fanOut';
  /** Default 'leaky_relu' (with a = 0 that is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

/** He et al. (2015): U(−b, b) with b = gain·√(3 / fan). */
export function kaimingUniform(shape: readonly number[], options: KaimingOptions = {}): NDArray {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' } = options;
  const fan = fans(shape)[mode];
  const bound = calculateGain(nonlinearity, a) * Math.sqrt(3 / fan);
  return uniform(shape, -bound, bound, options);
}

/** He et al. (2015): N(0, σ²) with σ = gain / √fan. */
export function kaimingNormal(shape: readonly number[], options: KaimingOptions = {}): NDArray {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' } = options;
  const fan = fans(shape)[mode];
  return normal(shape, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan), options);
}
