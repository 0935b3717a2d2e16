// Gradient clipping by global norm and by value.
import { fromArray, memory, ValueError } from '@mlblocks/core-tensor';
import { clipGradNorm, clipGradNormOnDevice, clipGradValue } from '@mlblocks/optim';
import { describe, expect, it } from 'vitest';
import { param, setGrad } from './helpers.js';

function grads(...ps: ReturnType<typeof param>[]): number[][] {
  return ps.map((p) => Array.from(p.grad!.dataSync()));
}

// two parameters with gradients [3, −4] and [−12]: 2-norm 13, 1-norm 19, max 12
const make = () => {
  const a = param([0, 0]);
  const b = param([0]);
  setGrad(a, [3, -4]);
  setGrad(b, [-12]);
  return [a, b];
};

describe('clipGradNorm', () => {
  it('returns the global 2-norm and scales all gradients by maxNorm / (norm + 1e-6)', () => {
    const a = param([0, 0]);
    const b = param([0]);
    const none = param([0]);
    setGrad(a, [3, 4]);
    setGrad(b, [12]);
    const total = clipGradNorm([a, b, none], 6.5); // √(9 + 16 + 144) = 13
    expect(total).toBe(13);
    const coef = 6.5 / (13 + 1e-6);
    const [ga, gb] = grads(a, b);
    expect(ga![0]).toBeCloseTo(3 * coef, 14);
    expect(ga![1]).toBeCloseTo(4 * coef, 14);
    expect(gb![0]).toBeCloseTo(12 * coef, 14);
    expect(none.grad).toBeNull();
  });

  it('leaves gradients alone when the norm is already below maxNorm', () => {
    const a = param([0, 0]);
    setGrad(a, [3, 4]);
    const before = a.grad;
    expect(clipGradNorm(a, 10)).toBe(5);
    expect(a.grad).toBe(before);
    expect(grads(a)).toEqual([[3, 4]]);
  });

  it('other norms: 1, 3 and Infinity', () => {
    expect(clipGradNorm(make(), 100, 1)).toBe(19);
    expect(clipGradNorm(make(), 100, 3)).toBeCloseTo((27 + 64 + 1728) ** (1 / 3), 12);
    const ps = make();
    expect(clipGradNorm(ps, 6, Number.POSITIVE_INFINITY)).toBe(12);
    expect(grads(...ps)[1]![0]).toBeCloseTo(-12 * (6 / (12 + 1e-6)), 14);
  });

  it('is 0 with no gradients; non-finite norms raise only when asked', () => {
    expect(clipGradNorm([param([1])], 1)).toBe(0);
    const a = param([0, 0]);
    setGrad(a, [Number.NaN, 1]);
    expect(() => clipGradNorm(a, 1, 2, { errorIfNonfinite: true })).toThrow(ValueError);
    expect(() => clipGradNorm(a, 1, 2, { errorIfNonfinite: true })).toThrow(/norm of order 2 .* is NaN/);
    expect(Number.isNaN(clipGradNorm(a, 1))).toBe(true);
    expect(() => clipGradNorm(a, -1)).toThrow(/maxNorm must be a number ≥ 0/);
    expect(() => clipGradNorm(a, 1, 0)).toThrow(/normType must be a number > 0/);
  });

  it('never writes into an array the caller passed to backward(), and frees the old gradients', () => {
    const x = param([0, 0]);
    const seed = fromArray([3, 4], { dtype: 'float64' });
    x.add(1).backward(seed); // x.grad may share seed's storage
    const before = memory().ndarrays;
    clipGradNorm(x, 1);
    expect(Array.from(seed.dataSync())).toEqual([3, 4]);
    expect(grads(x)[0]![0]).toBeCloseTo(3 / (5 + 1e-6), 14);
    expect(memory().ndarrays).toBe(before);
  });
});

describe('clipGradNormOnDevice', () => {
  it('scales like clipGradNorm for every norm type, returning the norm as a 0-d array', () => {
    for (const [maxNorm, normType] of [
      [6.5, 2],
      [100, 2],
      [5, 1],
      [100, 3],
      [6, Number.POSITIVE_INFINITY],
    ] as const) {
      const host = make();
      const device = make();
      const expected = clipGradNorm(host, maxNorm, normType);
      const total = clipGradNormOnDevice(device, maxNorm, normType);
      expect(total.shape).toEqual([]);
      expect(total.item()).toBeCloseTo(expected, 12);
      total.dispose();
      const [h, d] = [grads(...host).flat(), grads(...device).flat()];
      for (const [i, v] of d.entries()) expect(v).toBeCloseTo(h[i]!, 12);
    }
  });

  it('keeps memory flat, leaves arrays given to backward() alone, and checks its arguments', () => {
    const x = param([0, 0]);
    const seed = fromArray([3, 4], { dtype: 'float64' });
    x.add(1).backward(seed);
    const before = memory().ndarrays;
    clipGradNormOnDevice(x, 1).dispose();
    expect(memory().ndarrays).toBe(before);
    expect(Array.from(seed.dataSync())).toEqual([3, 4]);
    expect(grads(x)[0]![1]).toBeCloseTo(4 / (5 + 1e-6), 14);
    expect(() => clipGradNormOnDevice(x, -1)).toThrow(/clipGradNormOnDevice: maxNorm must be a number ≥ 0/);
    expect(() => clipGradNormOnDevice([param([1])], 1)).toThrow(/none of the parameters has a gradient/);
  });
});

describe('clipGradValue', () => {
  it('clamps every element to [−c, c]', () => {
    const a = param([0, 0, 0]);
    const b = param([0]);
    setGrad(a, [-3, 0.25, 5]);
    setGrad(b, [-0.5]);
    clipGradValue([a, b], 1);
    expect(grads(a, b)).toEqual([[-1, 0.25, 1], [-0.5]]);
    expect(() => clipGradValue([a], -1)).toThrow(/clipValue must be a number ≥ 0, got -1/);
  });
});
