import { type Backend, Generator, type Storage, type StridedView } from '@mlblocks/core-tensor';
import { type Case, input } from './case.js';

// The fused recurrent cells: LSTM and GRU updates and their gradients, on batches of 1 to 20 rows
// and hidden sizes that are not multiples of the SIMD width or a workgroup; contiguous and offset views.

const SIZES: readonly [number, number][] = [
  [1, 1],
  [3, 5],
  [20, 33],
];

/** A case for output `k` of a kernel with several (the others are freed). */
function pick(k: number, run: (b: Backend, v: StridedView[]) => readonly Storage[]) {
  return (b: Backend, views: StridedView[]) => {
    const outs = run(b, views);
    outs.forEach((s, i) => {
      if (i !== k) b.free(s);
    });
    return outs[k]!;
  };
}

export function recurrentCases(seed: number): Case[] {
  const gen = new Generator(seed);
  const cases: Case[] = [];
  const cell = (dtype: 'float32' | 'float64', shape: number[], layout: 'contiguous' | 'offset') =>
    input(gen, dtype, shape, layout, 'any');
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [B, H] of SIZES) {
      for (const layout of ['contiguous', 'offset'] as const) {
        const at = `batch ${B}, hidden ${H}, ${dtype}${layout === 'offset' ? ', offset views' : ''}`;
        const gates = cell(dtype, [B, 4 * H], layout);
        const c = cell(dtype, [B, H], layout);
        // the gradient takes the forward's output: any [B, 2H] values exercise the formula alike
        const lstmGrad = [gates, c, cell(dtype, [B, 2 * H], layout), cell(dtype, [B, 2 * H], layout)];
        const [gi, gh, h, dh] = [
          cell(dtype, [B, 3 * H], layout),
          cell(dtype, [B, 3 * H], layout),
          cell(dtype, [B, H], layout),
          cell(dtype, [B, H], layout),
        ];
        const common = { tolerance: 'transcendental', nonFinite: false } as const;
        cases.push(
          {
            family: 'lstmCell',
            name: `lstmCell ${at}`,
            inputs: [gates, c],
            run: (b, [g, s]) => b.lstmCell!(g!, s!),
            ...common,
          },
          ...['dGates', 'dc'].map(
            (what, k): Case => ({
              family: 'lstmCellGrad',
              name: `lstmCellGrad ${what} ${at}`,
              inputs: lstmGrad,
              run: pick(k, (b, [g, s, o, d]) => b.lstmCellGrad!(g!, s!, o!, d!)),
              ...common,
            }),
          ),
          {
            family: 'gruCell',
            name: `gruCell ${at}`,
            inputs: [gi, gh, h],
            run: (b, [x, y, s]) => b.gruCell!(x!, y!, s!),
            ...common,
          },
          ...['dgi', 'dgh', 'dh'].map(
            (what, k): Case => ({
              family: 'gruCellGrad',
              name: `gruCellGrad ${what} ${at}`,
              inputs: [gi, gh, h, dh],
              run: pick(k, (b, [x, y, s, d]) => b.gruCellGrad!(x!, y!, s!, d!)),
              ...common,
            }),
          ),
        );
      }
    }
  }
  return cases;
}
