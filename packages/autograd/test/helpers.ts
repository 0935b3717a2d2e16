import { gradcheck, type Tensor } from '@mlblocks/autograd';
import { Generator, type NDArray, randn } from '@mlblocks/core-tensor';
import { expect } from 'vitest';

const gen = new Generator(2024);

/** Random float64 normal array (gradcheck runs in float64). */
export function rn(...shape: number[]): NDArray {
  return randn(shape, { generator: gen }).cast('float64');
}

/** Random values bounded away from zero (for ops with a kink or pole at 0). */
export function awayFromZero(...shape: number[]): NDArray {
  const x = rn(...shape);
  return x.sign().mul(x.abs().add(0.2));
}

export function expectGradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: NDArray[]): void {
  const report = gradcheck(fn, inputs);
  expect(report.passed, report.message).toBe(true);
}
