import type { NDArray } from '@mlblocks/core-tensor';
import { expect } from 'vitest';

/**
 * `got` (on the backend under test, its values already read into `values`, synchronously or not)
 * equals `want` (computed on the CPU): same shape and dtype, and every element within `tol`
 * relative with the same absolute floor (|Δ| ≤ tol·(1 + |want|)); NaN matches NaN. A mismatch
 * names the element, both values and the backend.
 */
export function expectMatchesCpu(want: NDArray, got: NDArray, values: ArrayLike<number>, tol: number): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const a = want.dataSync();
  expect(values.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, values[i]!];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tol * (1 + Math.abs(x)))) {
      throw new Error(
        `element ${i} of [${want.shape}]: cpu ${x}, ${got.backend.name} ${y} (tolerance ${tol})`,
      );
    }
  }
}
