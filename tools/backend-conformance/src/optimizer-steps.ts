// The fused optimizer steps (core-tensor's adamStep / sgdStep: a backend's adamUpdate/sgdUpdate
// kernel where it has one, else the composition) on a backend against the CPU's composition:
// every variant of the arithmetic, on sizes 1, odd and a transposed (non-contiguous) parameter.
import { adamStep, Generator, type NDArray, randn, sgdStep } from '@mlblocks/core-tensor';
import { expect } from 'vitest';

const gen = new Generator(17);
// 1,003 elements: more than one workgroup of a kernel that takes 8 elements per invocation
const SHAPES: readonly number[][] = [[1], [7], [1003], [33, 5]];

/** The arrays of one step: parameter, gradient and two buffers, the last shape read transposed. */
function operands(shape: readonly number[]): NDArray[] {
  const transposed = shape.length === 2;
  return [0, 1, 2, 3].map((k) => {
    const a = randn(transposed ? [...shape].reverse() : [...shape], { generator: gen });
    const b = k === 3 ? a.abs() : a; // the squared-gradient average is ≥ 0
    return transposed ? b.transpose() : b;
  });
}

async function expectClose(op: string, got: NDArray, want: NDArray, tol: number): Promise<void> {
  const [g, w] = [await got.data(), want.dataSync()];
  expect(got.shape, op).toEqual(want.shape);
  for (let i = 0; i < w.length; i++)
    expect(Math.abs(g[i]! - w[i]!), `${op}: element ${i}: cpu ${w[i]}, got ${g[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(w[i]!)),
    );
}

/**
 * Adam (L2 decay, decoupled decay, neither) and SGD (plain, decay, momentum's first and later
 * steps, dampening, Nesterov) on `backend` equal the CPU's composition to `tol` (relative, with an
 * absolute floor: |Δ| ≤ tol·(1 + |cpu|)).
 */
export async function expectOptimizerStepsMatchCpu(backend: string, tol = 1e-6): Promise<void> {
  for (const shape of SHAPES) {
    const [p, g, m, v] = operands(shape);
    const at = `[${shape}]`;
    for (const [name, h] of [
      [
        'adam',
        {
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          stepSize: 1e-3 / (1 - 0.9),
          bias2Sqrt: Math.sqrt(1 - 0.999),
          weightDecay: 0,
          paramScale: 1,
        },
      ],
      [
        'adam, L2 decay, step 7',
        {
          beta1: 0.8,
          beta2: 0.99,
          eps: 1e-6,
          stepSize: 0.01 / (1 - 0.8 ** 7),
          bias2Sqrt: Math.sqrt(1 - 0.99 ** 7),
          weightDecay: 0.1,
          paramScale: 1,
        },
      ],
      [
        'adamw',
        {
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          stepSize: 2e-3,
          bias2Sqrt: 0.5,
          weightDecay: 0,
          paramScale: 1 - 1e-3 * 0.01,
        },
      ],
    ] as const) {
      const want = adamStep(p!, g!, m!, v!, h);
      const got = adamStep(p!.to(backend), g!.to(backend), m!.to(backend), v!.to(backend), h);
      for (const [k, part] of ['param', 'expAvg', 'expAvgSq'].entries())
        await expectClose(`${name} ${part} ${at}`, got[k]!, want[k]!, tol);
    }
    for (const [name, h, withBuffer] of [
      ['sgd', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }, false],
      ['sgd, decay', { lr: 0.05, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false }, false],
      [
        'sgd, momentum, first step',
        { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false },
        false,
      ],
      [
        'sgd, momentum, dampening',
        { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.001, nesterov: false },
        true,
      ],
      ['sgd, nesterov', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true }, true],
    ] as const) {
      const buffer = withBuffer ? m! : null;
      const want = sgdStep(p!, g!, buffer, h);
      const got = sgdStep(p!.to(backend), g!.to(backend), buffer ? buffer.to(backend) : null, h);
      await expectClose(`${name} param ${at}`, got[0], want[0], tol);
      expect(got[1] === null, name).toBe(want[1] === null);
      if (want[1]) await expectClose(`${name} buffer ${at}`, got[1]!, want[1], tol);
    }
  }
}
