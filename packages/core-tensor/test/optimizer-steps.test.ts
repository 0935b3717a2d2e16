// The fused optimizer steps' reference path (the composition every backend without the kernel
// runs): hand-computed values, the fusion switch, and typed errors for operands that do not fit.
import {
  adamStep,
  DTypeError,
  fromArray,
  fusionEnabled,
  ShapeError,
  setFusion,
  sgdStep,
  zeros,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

const values = (a: { dataSync(): ArrayLike<number> }) => Array.from(a.dataSync());

describe('adamStep / sgdStep', () => {
  it('Adam: one step by hand (β₁ 0.9, β₂ 0.999, first step)', () => {
    const [p, m, v] = adamStep(
      fromArray([1, -2], { dtype: 'float64' }),
      fromArray([0.5, -1], { dtype: 'float64' }),
      zeros([2], { dtype: 'float64' }),
      zeros([2], { dtype: 'float64' }),
      {
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        stepSize: 0.1 / (1 - 0.9),
        bias2Sqrt: Math.sqrt(1 - 0.999),
        weightDecay: 0,
        paramScale: 1,
      },
    );
    expect(values(m)[0]).toBeCloseTo(0.05, 15);
    expect(values(m)[1]).toBeCloseTo(-0.1, 15);
    expect(values(v)[0]).toBeCloseTo(0.001 * 0.25, 15);
    // first Adam step moves each weight by lr·sign(g) (up to eps)
    expect(values(p)[0]).toBeCloseTo(1 - 0.1, 6);
    expect(values(p)[1]).toBeCloseTo(-2 + 0.1, 6);
  });

  it('SGD: plain, decay, momentum (first and later step), Nesterov', () => {
    const p = fromArray([1, 2], { dtype: 'float64' });
    const g = fromArray([0.5, -1], { dtype: 'float64' });
    const h = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };
    const [plain, none] = sgdStep(p, g, null, h);
    expect(values(plain)).toEqual([1 - 0.05, 2 + 0.1]);
    expect(none).toBeNull();
    expect(values(sgdStep(p, g, null, { ...h, weightDecay: 0.1 })[0])[0]).toBeCloseTo(1 - 0.1 * 0.6, 15);
    const [, buffer] = sgdStep(p, g, null, { ...h, momentum: 0.9 });
    expect(values(buffer!)).toEqual([0.5, -1]);
    const [next, buffer2] = sgdStep(p, g, buffer, { ...h, momentum: 0.9, nesterov: true });
    expect(values(buffer2!)[0]).toBeCloseTo(0.9 * 0.5 + 0.5, 15);
    expect(values(next)[0]).toBeCloseTo(1 - 0.1 * (0.5 + 0.9 * 0.95), 15);
  });

  it('setFusion switches the fused kernels off and back, returning the previous setting', () => {
    expect(fusionEnabled()).toBe(true);
    expect(setFusion(false)).toBe(true);
    expect(fusionEnabled()).toBe(false);
    expect(setFusion(true)).toBe(false);
    expect(fusionEnabled()).toBe(true);
  });

  it('operands of another shape or dtype are typed errors naming the step', () => {
    const p = zeros([3]);
    const h = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };
    expect(() => sgdStep(p, zeros([4]), null, h)).toThrow(ShapeError);
    expect(() => sgdStep(p, zeros([4]), null, h)).toThrow(
      /sgdStep: every operand must have the parameter's shape \[3\], got \[4\]/,
    );
    expect(() => sgdStep(p, zeros([3], { dtype: 'float64' }), null, h)).toThrow(DTypeError);
    expect(() => sgdStep(zeros([3], { dtype: 'int32' }), zeros([3], { dtype: 'int32' }), null, h)).toThrow(
      /sgdStep: parameters must be float32 or float64, got int32/,
    );
    const a = {
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      stepSize: 1,
      bias2Sqrt: 1,
      weightDecay: 0,
      paramScale: 1,
    };
    expect(() => adamStep(p, p, p, zeros([2]), a)).toThrow(
      /adamStep: every operand must have the parameter's shape/,
    );
  });
});
