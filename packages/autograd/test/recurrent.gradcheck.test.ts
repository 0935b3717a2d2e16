// The fused recurrent cell updates against central finite differences (float64), on the CPU's
// kernels and on their composition.
import { gruCellUpdate, lstmCellUpdate } from '@mlblocks/autograd';
import { describe, it } from 'vitest';
import { expectGradcheck, rn } from './helpers.js';

describe('gradcheck: fused recurrent cells', () => {
  it('lstmCellUpdate: gates and cell state', () => {
    expectGradcheck((g, c) => lstmCellUpdate(g, c), [rn(3, 20), rn(3, 5)]);
    expectGradcheck((g, c) => lstmCellUpdate(g, c).split(2, -1)[0]!, [rn(1, 4), rn(1, 1)]);
  });

  it('gruCellUpdate: both projections and the state', () => {
    expectGradcheck((a, b, h) => gruCellUpdate(a, b, h), [rn(3, 15), rn(3, 15), rn(3, 5)]);
  });
});
