import { gradcheck, type Tensor } from '@mlblocks/autograd';
import { Generator, type NDArray, randn } from '@mlblocks/core-tensor';
import { expect } from 'vitest';

const gen = new Generator(7);

/** Random float64 normal array (gradcheck runs in float64). */
export function rn(...shape: number[]): NDArray {
  return randn(shape, { generator: gen }).cast('float64');
}

export function expectGradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: NDArray[]): void {
  const report = gradcheck(fn, inputs);
  expect(report.passed, report.message).toBe(true);
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e))))
      throw new Error(`element ${i}: got ${a}, expected ${e}`);
  }
}
