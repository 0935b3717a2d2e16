// Padded batches with `lengths` against PyTorch's packed sequences (pack_padded_sequence, then
// pad_packed_sequence): stacked bidirectional RNN, LSTM and GRU — outputs, final states and the
// gradients of a fixed loss for the input, the initial states and every parameter. The fixture
// was written by fixtures/packed_recurrent_torch.py with Debian's PyTorch; CI needs no Python.
import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, type NDArray, randn, ValueError } from '@mlblocks/core-tensor';
import { GRU, LSTM, RNN, torchParameterName } from '@mlblocks/nn-layers';
import { describe, expect, it } from 'vitest';

type Nested = number | Nested[];
interface TorchCase {
  kind: 'RNN' | 'LSTM' | 'GRU';
  parameters: Record<string, Nested>;
  x: Nested;
  initial: Nested[];
  output: Nested;
  states: Nested[];
  lossWeights: { output: Nested; states: Nested[] };
  grads: { x: Nested; initial: Nested[]; parameters: Record<string, Nested> };
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/packed-recurrent-torch.json', import.meta.url), 'utf8'),
) as {
  shape: { T: number; B: number; I: number; H: number; numLayers: number };
  lengths: number[];
  cases: TorchCase[];
};
const { I, H, numLayers } = fixture.shape;

const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0]!)] : []);
const arrayOf = (v: Nested): NDArray =>
  fromArray(Float32Array.from((v as number[]).flat(Number.POSITIVE_INFINITY) as number[]), {
    shape: shapeOf(v),
  });

/** |ours − torch| ≤ 2e-5·(1 + |torch|) everywhere (float32 against PyTorch's float64). */
function expectNear(ours: NDArray, want: Nested, what: string): void {
  expect(ours.shape, what).toEqual(shapeOf(want));
  const got = ours.toArraySync() as unknown as Nested;
  const a = ([got] as unknown[]).flat(Number.POSITIVE_INFINITY) as number[];
  const b = ([want] as unknown[]).flat(Number.POSITIVE_INFINITY) as number[];
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / (1 + Math.abs(b[i]!))));
  expect(worst, `${what}: worst scaled difference`).toBeLessThan(2e-5);
}

function build(c: TorchCase) {
  const options = { numLayers, bidirectional: true, generator: new Generator(0) };
  const layer =
    c.kind === 'RNN'
      ? new RNN(I, H, options)
      : c.kind === 'LSTM'
        ? new LSTM(I, H, options)
        : new GRU(I, H, options);
  const named = new Map(
    [...layer.stateDict()].map(([k]) => [k, arrayOf(c.parameters[torchParameterName(k)]!)]),
  );
  layer.loadStateDict(named);
  return layer;
}

function run(layer: RNN | LSTM | GRU, x: Tensor, initial: Tensor[], lengths: number[]): [Tensor, Tensor[]] {
  if (layer instanceof LSTM) {
    const [out, [h, c]] = layer.forward(x, [initial[0]!, initial[1]!], { lengths });
    return [out, [h, c]];
  }
  const [out, h] = layer.forward(x, initial[0], { lengths });
  return [out, [h]];
}

describe('padded batches with lengths = PyTorch packed sequences (2 layers, bidirectional)', () => {
  for (const c of fixture.cases) {
    it(`${c.kind}: outputs (zeros past each length), final states and every gradient`, () => {
      const layer = build(c);
      const x = tensor(arrayOf(c.x), { requiresGrad: true });
      const initial = c.initial.map((s) => tensor(arrayOf(s), { requiresGrad: true }));
      const [out, states] = run(layer, x, initial, fixture.lengths);
      expectNear(out.array, c.output, 'output');
      states.forEach((s, i) => {
        expectNear(s.array, c.states[i]!, `final state ${i}`);
      });
      let loss = out.mul(tensor(arrayOf(c.lossWeights.output))).sum();
      states.forEach((s, i) => {
        loss = loss.add(s.mul(tensor(arrayOf(c.lossWeights.states[i]!))).sum());
      });
      loss.backward();
      expectNear(x.grad!.array, c.grads.x, 'dx (zero on the padding)');
      initial.forEach((s, i) => {
        expectNear(s.grad!.array, c.grads.initial[i]!, `d initial state ${i}`);
      });
      for (const [name, p] of layer.namedParameters()) {
        expectNear(
          p.grad!.array,
          c.grads.parameters[torchParameterName(name)]!,
          `d ${torchParameterName(name)}`,
        );
      }
    });
  }

  it('the padding cannot change the result, and full lengths equal no lengths', () => {
    const lstm = new LSTM(3, 5, { bidirectional: true, batchFirst: true, generator: new Generator(3) });
    const g = new Generator(4);
    const x = randn([2, 6, 3], { generator: g });
    const noisy = x.clone();
    noisy.slice(1, [4, 6]).assign(randn([2, 3], { generator: g }).mul(100));
    const lengths = [6, 4];
    const [a, [ha]] = lstm.forward(tensor(x), undefined, { lengths });
    const [b, [hb]] = lstm.forward(tensor(noisy), undefined, { lengths });
    expect(a.array.toArraySync()).toEqual(b.array.toArraySync());
    expect(ha.array.toArraySync()).toEqual(hb.array.toArraySync());
    const [full] = lstm.forward(tensor(x), undefined, { lengths: [6, 6] });
    const [plain] = lstm.forward(tensor(x));
    expect(full.array.toArraySync()).toEqual(plain.array.toArraySync());
  });

  it('rejects lengths that do not fit the batch, naming the layer and what fits', () => {
    const gru = new GRU(3, 4);
    const x = tensor(randn([5, 2, 3], { generator: new Generator(1) }));
    for (const lengths of [[5], [5, 0], [5, 6], [5, 2.5]]) {
      expect(() => gru.forward(x, undefined, { lengths })).toThrow(ValueError);
    }
    expect(() => gru.forward(x, undefined, { lengths: [5, 6] })).toThrow(
      /GRU\(3 → 4\): lengths must be 2 integers in 1…5/,
    );
    expect(() => gru.forward(x, undefined, { length: [5, 5] } as never)).toThrow(/lengths/);
  });
});
