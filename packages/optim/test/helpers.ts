import { Tensor, tensor } from '@mlblocks/autograd';
import { fromArray, keep } from '@mlblocks/core-tensor';
import { expect } from 'vitest';

/** A float64 leaf parameter (float64 so hand-computed updates match to ~1e-15). */
export function param(values: number[], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return tensor(fromArray(values, { dtype }), { requiresGrad: true });
}

/** Sets `p.grad` as backward() would (a kept tensor owned by the parameter). */
export function setGrad(p: Tensor, values: number[]): void {
  p.zeroGrad();
  p.grad = keep(new Tensor(keep(fromArray(values, { dtype: p.dtype, shape: p.shape }))));
}

/** The gradient fed at step t (1-based): varies per step and per element, with both signs. */
export function gradAt(t: number): number[] {
  return [0.1 * t, -0.3 + 0.02 * t, 0.2 - 0.15 * t];
}

export const START = [1, -2, 0.5];

/** Runs `steps` optimizer steps with `gradAt(t)` and returns the parameter after each. */
export function trajectory(step: () => void, p: Tensor, steps = 3): number[][] {
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    setGrad(p, gradAt(t));
    step();
    out.push(Array.from(p.dataSync()));
  }
  return out;
}

/** Element-wise closeness of two trajectories (float64 updates: 12 digits). */
export function expectClose(actual: number[][], expected: number[][], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) => {
    row.forEach((v, i) => {
      expect(v, `step ${t + 1}, element ${i}`).toBeCloseTo(expected[t]![i]!, digits);
    });
  });
}
