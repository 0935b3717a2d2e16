// The fused recurrent cells: the CPU kernels against the composition from element-wise ops (what
// backends without the kernels run), float64 and float32; shape and dtype errors.
import {
  CpuBackend,
  Generator,
  gruCell,
  gruCellGrad,
  lstmCell,
  lstmCellGrad,
  type NDArray,
  randn,
  registerBackend,
  removeBackend,
  ShapeError,
} from '@mlblocks/core-tensor';
import { afterAll, describe, expect, it } from 'vitest';

const composed = new CpuBackend('composed-cells');
for (const k of ['lstmCell', 'lstmCellGrad', 'gruCell', 'gruCellGrad'] as const)
  Object.assign(composed, { [k]: undefined });
registerBackend('composed-cells', composed);
afterAll(() => removeBackend('composed-cells'));

const gen = new Generator(9);
const rn = (dtype: 'float32' | 'float64', ...shape: number[]) =>
  randn(shape, { generator: gen, dtype }).mul(2);

function expectSame(a: NDArray, b: NDArray, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < x.length; i++)
    expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i]!)));
}

const C = (a: NDArray) => a.to('composed-cells');

describe.each([
  ['float64', 1e-12],
  ['float32', 1e-6],
] as const)('fused cells on the CPU equal their composition (%s)', (dtype, tol) => {
  for (const [B, H] of [
    [1, 1],
    [3, 5],
    [4, 17],
  ])
    it(`LSTM and GRU, batch ${B}, hidden ${H}`, () => {
      const [gates, c] = [rn(dtype, B, 4 * H), rn(dtype, B, H)];
      const out = lstmCell(gates, c);
      expectSame(out, lstmCell(C(gates), C(c)), tol);
      const dOut = rn(dtype, B, 2 * H);
      const [dg, dc] = lstmCellGrad(gates, c, out, dOut);
      const [dg2, dc2] = lstmCellGrad(C(gates), C(c), C(out), C(dOut));
      expectSame(dg, dg2, tol);
      expectSame(dc, dc2, tol);
      const [gi, gh, h] = [rn(dtype, B, 3 * H), rn(dtype, B, 3 * H), rn(dtype, B, H)];
      const hn = gruCell(gi, gh, h);
      expectSame(hn, gruCell(C(gi), C(gh), C(h)), tol);
      const d = rn(dtype, B, H);
      const grads = gruCellGrad(gi, gh, h, d);
      const grads2 = gruCellGrad(C(gi), C(gh), C(h), C(d));
      for (let k = 0; k < 3; k++) expectSame(grads[k]!, grads2[k]!, tol);
    });
});

describe('fused cell errors', () => {
  it('name the operand, the expected shape and the state', () => {
    const c = rn('float32', 2, 3);
    expect(() => lstmCell(rn('float32', 2, 9), c)).toThrow(ShapeError);
    expect(() => lstmCell(rn('float32', 2, 9), c)).toThrow(
      /gates must be \[2,12\] for a state \[2,3\], got \[2,9\]/,
    );
    expect(() => gruCell(rn('float32', 2, 9), rn('float64', 2, 9), c)).toThrow(
      /recurrent projection has dtype float64/,
    );
  });
});
