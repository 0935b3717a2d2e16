import { stack, type Tensor, tensor } from '@mlblocks/autograd';
import { fromArray, Generator, ShapeError, ValueError } from '@mlblocks/core-tensor';
import {
  GRU,
  GRUCell,
  gruCell,
  LSTM,
  LSTMCell,
  lstmCell,
  type RecurrentCell,
  RNN,
  RNNCell,
  rnnCell,
  torchParameterName,
} from '@mlblocks/nn-layers';
import { describe, expect, it } from 'vitest';
import { expectClose, expectGradcheck, rn } from './helpers.js';

// ── plain-JS references ──────────────────────────────────────────────────────────────────────
type Matrix = number[][];
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const matvec = (w: Matrix, v: number[]) => w.map((row) => row.reduce((s, wj, j) => s + wj * v[j]!, 0));
const addv = (...vs: number[][]) => vs[0]!.map((_, i) => vs.reduce((s, v) => s + v[i]!, 0));
const part = (v: number[], k: number, hidden: number) => v.slice(k * hidden, (k + 1) * hidden);

interface Weights {
  ih: Matrix;
  hh: Matrix;
  bih: number[];
  bhh: number[];
}

/** Small fixed weights with two decimals, rounded to float32 as the cell stores them. */
function fixedWeights(gates: number, input: number, hidden: number, seed: number): Weights {
  const grid = (rows: number, cols: number, offset: number) =>
    Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) =>
        Math.fround(Math.round(Math.sin(offset + r * cols + c) * 100) / 100),
      ),
    );
  return {
    ih: grid(gates * hidden, input, seed),
    hh: grid(gates * hidden, hidden, seed + 50),
    bih: grid(1, gates * hidden, seed + 100)[0]!,
    bhh: grid(1, gates * hidden, seed + 150)[0]!,
  };
}

function load(cell: RecurrentCell, w: Weights): void {
  cell.loadStateDict(
    new Map([
      ['weightIh', fromArray(w.ih)],
      ['weightHh', fromArray(w.hh)],
      ['biasIh', fromArray(w.bih)],
      ['biasHh', fromArray(w.bhh)],
    ]),
  );
}

const refRnn = (x: number[], h: number[], w: Weights, act: (v: number) => number) =>
  addv(matvec(w.ih, x), w.bih, matvec(w.hh, h), w.bhh).map(act);

function refLstm(x: number[], h: number[], c: number[], w: Weights): [number[], number[]] {
  const gates = addv(matvec(w.ih, x), w.bih, matvec(w.hh, h), w.bhh);
  const H = h.length;
  const [i, f, g, o] = [0, 1, 2, 3].map((k) => part(gates, k, H)) as [number[], number[], number[], number[]];
  const cNext = c.map((cj, j) => sig(f[j]!) * cj + sig(i[j]!) * Math.tanh(g[j]!));
  return [cNext.map((cj, j) => sig(o[j]!) * Math.tanh(cj)), cNext];
}

function refGru(x: number[], h: number[], w: Weights): number[] {
  const H = h.length;
  const gi = addv(matvec(w.ih, x), w.bih);
  const gh = addv(matvec(w.hh, h), w.bhh);
  return h.map((hj, j) => {
    const r = sig(gi[j]! + gh[j]!);
    const z = sig(gi[H + j]! + gh[H + j]!);
    const n = Math.tanh(gi[2 * H + j]! + r * gh[2 * H + j]!);
    return (1 - z) * n + z * hj;
  });
}

// ── tensor helpers ───────────────────────────────────────────────────────────────────────────
const f64 = (data: number[][]) => tensor(fromArray(data, { dtype: 'float64' }));

function expectSame(actual: Tensor, expected: Tensor, tol = 1e-6): void {
  expect(actual.shape).toEqual(expected.shape);
  expectClose(actual.dataSync(), expected.dataSync(), tol);
}

/** Runs `cell` over `x` `[T, B, I]` step by step (reversed if asked); returns the outputs `[T, B, H]` and the final state. */
function unroll(
  cell: RecurrentCell,
  x: Tensor,
  state: Tensor[] | undefined,
  reverse = false,
): [Tensor, Tensor[]] {
  const T = x.shape[0]!;
  const hs: Tensor[] = new Array(T);
  let s = state;
  for (let i = 0; i < T; i++) {
    const t = reverse ? T - 1 - i : i;
    if (cell instanceof LSTMCell) s = cell.forward(x.slice(t), s as [Tensor, Tensor] | undefined);
    else s = [(cell as RNNCell | GRUCell).forward(x.slice(t), s?.[0])];
    hs[t] = s[0]!;
  }
  return [stack(hs, 0), s!];
}

const H = 3;

describe('recurrent cells', () => {
  it('RNNCell: one step against hand-computed values (tanh and relu), batched and unbatched', () => {
    // a one-unit cell by hand: tanh(0.5·2 + 0.1 + (−1)·0.5 + 0.2) = tanh(0.8)
    const tiny = new RNNCell(1, 1);
    load(tiny, { ih: [[0.5]], hh: [[-1]], bih: [0.1], bhh: [0.2] });
    expectClose(tiny.forward(f64([[2]]), f64([[0.5]])).dataSync(), [Math.tanh(0.8)], 1e-7);

    const w = fixedWeights(1, 2, H, 1);
    const x = [
      [0.5, -1],
      [1, 2],
    ];
    const h = [
      [0.1, -0.2, 0.3],
      [0.3, 0.4, -0.5],
    ];
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const cell = new RNNCell(2, H, { nonlinearity });
      load(cell, w);
      const act = nonlinearity === 'tanh' ? Math.tanh : (v: number) => Math.max(v, 0);
      const expected = x.flatMap((xb, b) => refRnn(xb, h[b]!, w, act));
      expectClose(cell.forward(f64(x), f64(h)).dataSync(), expected, 1e-12);
      // unbatched [I] with [H]
      const single = cell.forward(tensor(fromArray(x[1]!, { dtype: 'float64' })), tensor(fromArray(h[1]!)));
      expect(single.shape).toEqual([H]);
      expectClose(single.dataSync(), refRnn(x[1]!, h[1]!, w, act), 1e-6);
    }
    // omitted state = zeros
    const cell = new RNNCell(2, H);
    load(cell, w);
    expectClose(
      cell.forward(f64(x)).dataSync(),
      x.flatMap((xb) => refRnn(xb, [0, 0, 0], w, Math.tanh)),
      1e-12,
    );
  });

  it('LSTMCell: one step against hand-computed values (gate order i, f, g, o)', () => {
    const w = fixedWeights(4, 2, H, 2);
    const cell = new LSTMCell(2, H);
    load(cell, w);
    const x = [
      [0.5, -1],
      [1, 2],
    ];
    const h = [
      [0.1, -0.2, 0.3],
      [0.3, 0.4, -0.5],
    ];
    const c = [
      [1, -0.5, 0.25],
      [-1, 0.5, 2],
    ];
    const [h1, c1] = cell.forward(f64(x), [f64(h), f64(c)]);
    const expected = x.map((xb, b) => refLstm(xb, h[b]!, c[b]!, w));
    expect(h1.shape).toEqual([2, H]);
    expectClose(
      h1.dataSync(),
      expected.flatMap(([hn]) => hn),
      1e-12,
    );
    expectClose(
      c1.dataSync(),
      expected.flatMap(([, cn]) => cn),
      1e-12,
    );
    const [h0only] = cell.forward(f64(x));
    expectClose(
      h0only.dataSync(),
      x.flatMap((xb) => refLstm(xb, [0, 0, 0], [0, 0, 0], w)[0]),
      1e-12,
    );
  });

  it('GRUCell: one step against hand-computed values (b_hn inside the reset product)', () => {
    const w = fixedWeights(3, 2, H, 3);
    const cell = new GRUCell(2, H);
    load(cell, w);
    const x = [
      [0.5, -1],
      [1, 2],
    ];
    const h = [
      [0.1, -0.2, 0.3],
      [0.3, 0.4, -0.5],
    ];
    expectClose(
      cell.forward(f64(x), f64(h)).dataSync(),
      x.flatMap((xb, b) => refGru(xb, h[b]!, w)),
      1e-12,
    );
  });

  it('gradients of each cell over several steps (input, state and all four weights)', () => {
    const T = 3;
    const [B, I] = [2, 4];
    const weights = (g: number) => [rn(g * H, I), rn(g * H, H), rn(g * H), rn(g * H)];
    const steps = (x: Tensor, step: (xt: Tensor) => Tensor) =>
      stack(
        Array.from({ length: T }, (_, t) => step(x.slice(t))),
        0,
      );
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      expectGradcheck(
        (x, h0, wih, whh, bih, bhh) => {
          let h = h0;
          const w = { weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh };
          return steps(x, (xt) => {
            h = rnnCell(xt, h, w, nonlinearity);
            return h;
          });
        },
        [rn(T, B, I), rn(B, H), ...weights(1)],
      );
    }
    expectGradcheck(
      (x, h0, c0, wih, whh, bih, bhh) => {
        let state: [Tensor, Tensor] = [h0, c0];
        const w = { weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh };
        return steps(x, (xt) => {
          state = lstmCell(xt, state, w);
          return stack(state, 0);
        });
      },
      [rn(T, B, I), rn(B, H), rn(B, H), ...weights(4)],
    );
    expectGradcheck(
      (x, h0, wih, whh, bih, bhh) => {
        let h = h0;
        const w = { weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh };
        return steps(x, (xt) => {
          h = gruCell(xt, h, w);
          return h;
        });
      },
      [rn(T, B, I), rn(B, H), ...weights(3)],
    );
  });

  it('PyTorch layout and init: shapes, U(−1/√H, 1/√H), seeded, optional bias', () => {
    const cells = [new RNNCell(5, 4), new LSTMCell(5, 4), new GRUCell(5, 4)];
    cells.forEach((cell, i) => {
      const g = [1, 4, 3][i]!;
      const named = cell.namedParameters();
      expect([...named.keys()]).toEqual(['weightIh', 'weightHh', 'biasIh', 'biasHh']);
      expect(named.get('weightIh')!.shape).toEqual([g * 4, 5]);
      expect(named.get('weightHh')!.shape).toEqual([g * 4, 4]);
      expect(named.get('biasHh')!.shape).toEqual([g * 4]);
      for (const p of named.values())
        for (const v of p.dataSync()) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
    });
    const a = new LSTMCell(3, 2, { generator: new Generator(11) });
    const b = new LSTMCell(3, 2, { generator: new Generator(11) });
    expect(a.weightHh.toArraySync()).toEqual(b.weightHh.toArraySync());
    const noBias = new GRUCell(3, 2, { bias: false });
    expect([...noBias.namedParameters().keys()]).toEqual(['weightIh', 'weightHh']);
    expect(noBias.forward(tensor(rn(2, 3))).shape).toEqual([2, 2]);
  });

  it('typed errors for wrong input and state sizes', () => {
    const cell = new LSTMCell(3, 4);
    expect(() => cell.forward(tensor(rn(2, 5)))).toThrow(ShapeError);
    expect(() => cell.forward(tensor(rn(2, 5)))).toThrow(
      'LSTMCell(3 → 4) expects an input of shape [B, 3] (or [3] unbatched), got [2,5]',
    );
    expect(() => cell.forward(tensor(rn(1, 2, 3)))).toThrow(ShapeError);
    expect(() => cell.forward(tensor(rn(2, 3)), [tensor(rn(2, 4)), tensor(rn(3, 4))])).toThrow(
      'LSTMCell(3 → 4): state c must have shape [2,4] for an input of shape [2,3], got [3,4]',
    );
    expect(() => new GRUCell(3, 2).forward(tensor(rn(3)), tensor(rn(1, 2)))).toThrow(
      /state h must have shape \[2\]/,
    );
    expect(() => new RNNCell(3, 0)).toThrow(ValueError);
    expect(() => new RNNCell(3, 2, { nonlinearity: 'sigmoid' as never })).toThrow(ValueError);
  });
});

describe('recurrent layers', () => {
  const [T, B, I] = [4, 2, 3];

  it('output and state shapes: multi-layer, bidirectional, batchFirst, unbatched', () => {
    const x = tensor(rn(T, B, I));
    const xbf = tensor(rn(B, T, I));
    for (const make of [
      (o: object) => new RNN(I, H, o),
      (o: object) => new GRU(I, H, o),
      (o: object) => new LSTM(I, H, o),
    ]) {
      const states = (r: Tensor | [Tensor, Tensor]) => (Array.isArray(r) ? r : [r]);
      const check = (layer: RNN | GRU | LSTM, input: Tensor, out: number[], state: number[]) => {
        const [output, hN] = layer.forward(input);
        expect(output.shape).toEqual(out);
        for (const s of states(hN)) expect(s.shape).toEqual(state);
      };
      check(make({}), x, [T, B, H], [1, B, H]);
      check(make({ numLayers: 3 }), x, [T, B, H], [3, B, H]);
      check(make({ bidirectional: true }), x, [T, B, 2 * H], [2, B, H]);
      check(make({ numLayers: 2, bidirectional: true }), x, [T, B, 2 * H], [4, B, H]);
      check(make({ numLayers: 2, batchFirst: true }), xbf, [B, T, H], [2, B, H]);
      check(make({ bidirectional: true, batchFirst: true }), xbf, [B, T, 2 * H], [2, B, H]);
      check(make({ numLayers: 2, bidirectional: true }), tensor(rn(T, I)), [T, 2 * H], [4, H]);
    }
  });

  it('parameters are named cells.{l}.* and cellsReverse.{l}.* with PyTorch shapes; torchParameterName maps them', () => {
    const lstm = new LSTM(I, H, { numLayers: 2, bidirectional: true });
    const shapes = Object.fromEntries([...lstm.namedParameters()].map(([k, p]) => [k, p.shape]));
    expect(shapes).toEqual({
      'cells.0.weightIh': [4 * H, I],
      'cells.0.weightHh': [4 * H, H],
      'cells.0.biasIh': [4 * H],
      'cells.0.biasHh': [4 * H],
      'cells.1.weightIh': [4 * H, 2 * H],
      'cells.1.weightHh': [4 * H, H],
      'cells.1.biasIh': [4 * H],
      'cells.1.biasHh': [4 * H],
      'cellsReverse.0.weightIh': [4 * H, I],
      'cellsReverse.0.weightHh': [4 * H, H],
      'cellsReverse.0.biasIh': [4 * H],
      'cellsReverse.0.biasHh': [4 * H],
      'cellsReverse.1.weightIh': [4 * H, 2 * H],
      'cellsReverse.1.weightHh': [4 * H, H],
      'cellsReverse.1.biasIh': [4 * H],
      'cellsReverse.1.biasHh': [4 * H],
    });
    expect(torchParameterName('cells.1.weightIh')).toBe('weight_ih_l1');
    expect(torchParameterName('encoder.cellsReverse.0.biasHh')).toBe('encoder.bias_hh_l0_reverse');
    expect(torchParameterName('cell.weightHh')).toBe('cell.weight_hh');
    expect(torchParameterName('fc.weight')).toBe('fc.weight');
    expect(new GRU(I, H, { numLayers: 2, bias: false }).parameters()).toHaveLength(4);
    const seeded = () => new GRU(I, H, { bidirectional: true, generator: new Generator(5) });
    expect(seeded().cellsReverse[0]!.weightIh.toArraySync()).toEqual(
      seeded().cellsReverse[0]!.weightIh.toArraySync(),
    );
    expect(new RNN(I, H, { nonlinearity: 'relu' }).nonlinearity).toBe('relu');
    expect(new RNN(I, H, { nonlinearity: 'relu' }).cells[0]!.nonlinearity).toBe('relu');
  });

  it('a stacked layer equals its cells run one after another', () => {
    const x = tensor(rn(T, B, I));
    const rnn = new RNN(I, H, { numLayers: 2, nonlinearity: 'relu' });
    const [y1] = unroll(rnn.cells[0]!, x, undefined);
    const [y2, [h2]] = unroll(rnn.cells[1]!, y1, undefined);
    const [output, hN] = rnn.forward(x);
    expectSame(output, y2);
    expectSame(hN.slice(1), h2!);
  });

  it("a bidirectional layer's reverse half equals the reverse cell run on the reversed sequence", () => {
    const x = tensor(rn(T, B, I));
    for (const layer of [new GRU(I, H, { bidirectional: true }), new LSTM(I, H, { bidirectional: true })]) {
      const [output, state] = layer.forward(x);
      const [forwards, [hf]] = unroll(layer.cells[0]!, x, undefined);
      const [backwards, [hb]] = unroll(layer.cellsReverse[0]!, x, undefined, true);
      expectSame(output.slice(null, null, [0, H]), forwards);
      expectSame(output.slice(null, null, [H, 2 * H]), backwards);
      // literally reversing the sequence: the reverse half at time t is step T − 1 − t of a forward pass
      const reversed = stack(
        Array.from({ length: T }, (_, t) => x.slice(T - 1 - t)),
        0,
      );
      const [onReversed] = unroll(layer.cellsReverse[0]!, reversed, undefined);
      for (let t = 0; t < T; t++) expectSame(output.slice(t, null, [H, 2 * H]), onReversed.slice(T - 1 - t));
      const hN = Array.isArray(state) ? state[0] : state;
      expectSame(hN.slice(0), hf!);
      expectSame(hN.slice(1), hb!); // the reverse direction ends at t = 0
      expectSame(hb!, output.slice(0, null, [H, 2 * H]));
    }
  });

  it('initial states are respected (h0, and c0 for the LSTM), batched and unbatched', () => {
    const x = tensor(rn(T, B, I));
    const lstm = new LSTM(I, H, { numLayers: 2 });
    const h0 = tensor(rn(2, B, H));
    const c0 = tensor(rn(2, B, H));
    const [output, [hN, cN]] = lstm.forward(x, [h0, c0]);
    const [y1, [h1, c1]] = unroll(lstm.cells[0]!, x, [h0.slice(0), c0.slice(0)]);
    const [y2, [h2, c2]] = unroll(lstm.cells[1]!, y1, [h0.slice(1), c0.slice(1)]);
    expectSame(output, y2);
    expectSame(hN, stack([h1!, h2!], 0));
    expectSame(cN, stack([c1!, c2!], 0));
    expect(() => expectSame(lstm.forward(x)[0], output)).toThrow(); // zeros give something else

    const gru = new GRU(I, H, { bidirectional: true });
    const g0 = tensor(rn(2, B, H));
    const [go] = gru.forward(x, g0);
    const [gf] = unroll(gru.cells[0]!, x, [g0.slice(0)]);
    const [gb] = unroll(gru.cellsReverse[0]!, x, [g0.slice(1)], true);
    expectSame(
      go,
      stack([gf, gb], 0)
        .permute(1, 2, 0, 3)
        .reshape(T, B, 2 * H),
    );
    // unbatched [T, I] with h0 [L·D, H] is the batch of one
    const [single, singleH] = gru.forward(x.slice(null, 0), g0.slice(null, 0));
    expectSame(single, go.slice(null, 0));
    expectSame(singleH, gru.forward(x, g0)[1].slice(null, 0));
  });

  it('batchFirst only transposes the input and output', () => {
    const x = tensor(rn(T, B, I));
    const timeMajor = new LSTM(I, H, { numLayers: 2, bidirectional: true });
    const batchMajor = new LSTM(I, H, { numLayers: 2, bidirectional: true, batchFirst: true });
    batchMajor.loadStateDict(timeMajor.stateDict());
    const [a, [ah]] = timeMajor.forward(x);
    const [b, [bh]] = batchMajor.forward(x.transpose(0, 1));
    expectSame(b, a.transpose(0, 1));
    expectSame(bh, ah);
  });

  it('dropout acts between layers in training mode only', () => {
    const x = tensor(rn(T, B, I));
    const rnn = new RNN(I, H, { numLayers: 2, dropout: 0.5 });
    const plain = new RNN(I, H, { numLayers: 2 });
    plain.loadStateDict(rnn.stateDict());
    rnn.eval();
    expectSame(rnn.forward(x)[0], plain.forward(x)[0]);
    rnn.train();
    expect(() => expectSame(rnn.forward(x)[0], plain.forward(x)[0])).toThrow();
    // the first layer's state is computed before any dropout
    expectSame(rnn.forward(x)[1].slice(0), plain.forward(x)[1].slice(0));
  });

  it('gradients through the layers (input, initial state, a weight) and to every parameter', () => {
    const lstm = new LSTM(2, 2, { numLayers: 2, bidirectional: true }).eval();
    expectGradcheck(
      (x, h0, c0) => {
        const [output, [hN, cN]] = lstm.forward(x, [h0, c0]);
        return output.sum().add(hN.mul(cN).sum());
      },
      [rn(3, 2, 2), rn(4, 2, 2), rn(4, 2, 2)],
    );
    const gru = new GRU(2, 2, { numLayers: 2, batchFirst: true });
    expectGradcheck(
      (x, w) => {
        gru.cells[1]!.weightHh = w;
        return gru.forward(x)[0];
      },
      [rn(2, 3, 2), rn(6, 2)],
    );
    const rnn = new RNN(2, 3, { numLayers: 2, bidirectional: true });
    const [output, hN] = rnn.forward(tensor(rn(4, 2, 2)));
    output.sum().add(hN.sum()).backward();
    for (const [name, p] of rnn.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.shape, name).toEqual(p.shape);
    }
  });

  it('one sequence op per layer (fused, the default) equals the per-step composition: outputs, states and every gradient', () => {
    const make = [
      () => new LSTM(3, 4, { numLayers: 2, bidirectional: true, generator: new Generator(5) }),
      () => new GRU(3, 4, { numLayers: 2, bidirectional: true, generator: new Generator(5) }),
      () => new RNN(3, 4, { numLayers: 2, bidirectional: true, generator: new Generator(5) }),
      () => new RNN(3, 4, { nonlinearity: 'relu', generator: new Generator(5) }),
      () => new LSTM(3, 4, { bias: false, batchFirst: true, generator: new Generator(5) }),
    ];
    // 5 steps, and a single step (the sequence op's edge: the first state is the only one read)
    for (const [build, steps] of make.flatMap((b) => [5, 1].map((t) => [b, t] as const))) {
      const probe = build();
      const x = probe.batchFirst ? rn(2, steps, 3) : rn(steps, 2, 3);
      const initial = probe.cells[0]!.stateNames.map((_, i) =>
        rn(probe.numLayers * probe.numDirections, 2, 4).mul(0.5 + i),
      );
      const run = (fused: boolean) => {
        const layer = build();
        layer.fused = fused;
        const input = tensor(x.cast('float32'), { requiresGrad: true });
        const states = initial.map((s) => tensor(s.cast('float32'), { requiresGrad: true }));
        const [out, finals] = (layer.forward as (x: Tensor, s: unknown) => [Tensor, Tensor | Tensor[]])(
          input,
          states.length === 1 ? states[0] : states,
        );
        const parts = Array.isArray(finals) ? finals : [finals];
        out
          .mul(out)
          .sum()
          .add(parts.reduce((acc: Tensor, p, i) => acc.add(p.mul(i + 1.5).sum()), tensor(0)))
          .backward();
        return [
          out.array,
          ...parts.map((p) => p.array),
          input.grad!.array,
          ...states.map((s) => s.grad!.array),
          ...layer.parameters().map((p) => p.grad!.array),
        ].map((a) => Array.from(a.dataSync()));
      };
      const [fused, perStep] = [run(true), run(false)];
      expect(fused.length).toBe(perStep.length);
      fused.forEach((values, i) => {
        expectClose(values, perStep[i]!, 1e-5);
      });
    }
  });

  it('gradcheck of the sequence op through a layer: every cell kind, forwards and backwards', () => {
    for (const layer of [
      new LSTM(2, 2, { bidirectional: true }),
      new GRU(2, 2, { bidirectional: true }),
      new RNN(2, 2, { bidirectional: true }),
      new RNN(2, 2, { nonlinearity: 'relu' }),
    ]) {
      expectGradcheck(
        (x, w, b) => {
          layer.cellsReverse[0] ??= layer.cells[0]!;
          for (const cell of [layer.cells[0]!, layer.cellsReverse[0]!]) {
            cell.weightHh = w;
            cell.biasHh = b;
          }
          const [output] = (layer.forward as (x: Tensor) => Tensor[])(x);
          return output.mul(output).sum();
        },
        [rn(4, 2, 2), rn(layer.cells[0]!.gates * 2, 2), rn(layer.cells[0]!.gates * 2)],
      );
    }
  });

  it('typed errors for wrong input sizes and initial states', () => {
    const lstm = new LSTM(I, H, { numLayers: 2 });
    expect(() => lstm.forward(tensor(rn(T, B, 5)))).toThrow(ShapeError);
    expect(() => lstm.forward(tensor(rn(T, B, 5)))).toThrow(
      `LSTM(3 → 3, numLayers 2) expects an input of shape [T, B, 3] (or [T, 3] unbatched), got [4,2,5]`,
    );
    expect(() => new GRU(I, H, { batchFirst: true }).forward(tensor(rn(B, T, 2)))).toThrow(
      /expects an input of shape \[B, T, 3\]/,
    );
    expect(() => lstm.forward(tensor(rn(B, T, I, 1)))).toThrow(ShapeError);
    expect(() => lstm.forward(tensor(rn(T, B, I)), [tensor(rn(2, B, H)), tensor(rn(1, B, H))])).toThrow(
      'LSTM(3 → 3, numLayers 2): initial state c0 must have shape [2,2,3] (numLayers·numDirections, B, H) for an input of shape [4,2,3], got [1,2,3]',
    );
    expect(() =>
      new RNN(I, H, { bidirectional: true }).forward(tensor(rn(T, B, I)), tensor(rn(1, B, H))),
    ).toThrow(ShapeError);
    expect(() => new RNN(I, H).forward(tensor(rn(0, B, I)))).toThrow(/sequence is empty/);
    expect(() => new GRU(I, H, { numLayers: 0 })).toThrow(ValueError);
    expect(() => new GRU(I, H, { dropout: 1.5 })).toThrow(ValueError);
  });
});
