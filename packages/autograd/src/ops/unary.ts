import { where } from '@mlblocks/core-tensor';
import { record } from '../engine/record.js';
import type { Tensor } from '../tensor.js';

export function exp(a: Tensor): Tensor {
  return record('exp', [a], (x) => {
    const out = x.exp();
    return { out, saved: [out], backward: (g, [y]) => [g.mul(y!)] };
  });
}

export function log(a: Tensor): Tensor {
  return record('log', [a], (x) => ({ out: x.log(), saved: [x], backward: (g, [xs]) => [g.div(xs!)] }));
}

/** d x² = 2x. */
export function square(a: Tensor): Tensor {
  return record('square', [a], (x) => ({
    out: x.square(),
    saved: [x],
    backward: (g, [xs]) => [g.mul(xs!).mul(2)],
  }));
}

/** d√x = 1 / (2√x). */
export function sqrt(a: Tensor): Tensor {
  return record('sqrt', [a], (x) => {
    const out = x.sqrt();
    return { out, saved: [out], backward: (g, [y]) => [g.div(y!.mul(2))] };
  });
}

/** d|x| = sign(x); 0 at x = 0, as in PyTorch. */
export function abs(a: Tensor): Tensor {
  return record('abs', [a], (x) => ({
    out: x.abs(),
    saved: [x],
    backward: (g, [xs]) => [g.mul(xs!.sign())],
  }));
}

/** d tanh = 1 − tanh². */
export function tanh(a: Tensor): Tensor {
  return record('tanh', [a], (x) => {
    const out = x.tanh();
    return { out, saved: [out], backward: (g, [y]) => [g.mul(y!.square().neg().add(1))] };
  });
}

/** dσ = σ(1 − σ). */
export function sigmoid(a: Tensor): Tensor {
  return record('sigmoid', [a], (x) => {
    const out = x.sigmoid();
    return { out, saved: [out], backward: (g, [y]) => [g.mul(y!).mul(y!.neg().add(1))] };
  });
}

/** ReLU; its derivative at exactly 0 is taken as 0, as in PyTorch. */
export function relu(a: Tensor): Tensor {
  return record('relu', [a], (x) => ({
    out: x.relu(),
    saved: [x],
    backward: (g, [xs]) => [where(xs!.gt(0), g, 0)],
  }));
}

/** `x` for x > 0, `slope·x` otherwise. */
export function leakyRelu(a: Tensor, slope = 0.01): Tensor {
  return record('leakyRelu', [a], (x) => {
    const positive = x.gt(0);
    return {
      out: where(positive, x, x.mul(slope)),
      saved: [positive],
      backward: (g, [pos]) => [where(pos!, g, g.mul(slope))],
    };
  });
}

const SQRT_2 = Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TANH_C = Math.sqrt(2 / Math.PI);

/**
 * GELU, `x·Φ(x)` with Φ the standard normal CDF. `approximate: 'tanh'` uses
 * `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))` like the original BERT/GPT-2 code; the default is exact.
 */
export function gelu(a: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    return record('gelu', [a], (x) => {
      const t = x.pow(3).mul(0.044715).add(x).mul(TANH_C).tanh();
      return {
        out: x.mul(0.5).mul(t.add(1)),
        saved: [x, t],
        backward: (g, [xs, ts]) => {
          // d/dx = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
          const inner = xs!
            .square()
            .mul(3 * 0.044715)
            .add(1)
            .mul(TANH_C);
          const dt = ts!.square().neg().add(1).mul(inner).mul(xs!).mul(0.5);
          return [g.mul(ts!.add(1).mul(0.5).add(dt))];
        },
      };
    });
  }
  return record('gelu', [a], (x) => {
    const cdf = x.div(SQRT_2).erf().add(1).mul(0.5);
    return {
      out: x.mul(cdf),
      saved: [x, cdf],
      // d/dx xΦ(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)
      backward: (g, [xs, c]) => [g.mul(c!.add(xs!.mul(xs!.square().mul(-0.5).exp().mul(INV_SQRT_2PI))))],
    };
  });
}
