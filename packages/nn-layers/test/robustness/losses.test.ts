// Class-weighted losses against PyTorch (issue #15, finding 7): CrossEntropy/NLL `weight`,
// BCEWithLogits `weight` and per-class `posWeight`, values and input gradients from
// fixtures/weighted-losses-torch.json (written by fixtures/weighted_losses_torch.py with Debian's
// PyTorch 1.13), and gradchecked; plus the messages of finding 10 that concern losses and layers.
import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@mlblocks/autograd';
import {
  BackendError,
  CpuBackend,
  DTypeError,
  fromArray,
  IndexError,
  registerBackend,
  removeBackend,
  ShapeError,
  ValueError,
} from '@mlblocks/core-tensor';
import {
  BCEWithLogitsLoss,
  bceWithLogits,
  CrossEntropyLoss,
  crossEntropy,
  Embedding,
  NLLLoss,
  nllLoss,
} from '@mlblocks/nn-layers';
import { describe, expect, it } from 'vitest';
import { expectClose, expectGradcheck, rn } from '../helpers.js';

interface TorchCase {
  name: string;
  fn: 'crossEntropy' | 'nllLoss' | 'bceWithLogits';
  options: { reduction: 'mean' | 'sum' | 'none'; [k: string]: unknown };
  inputs: { input: number[][]; target: number[] | number[][]; targetDtype: 'int32' | 'float64' };
  loss: number | number[] | number[][];
  grad: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/weighted-losses-torch.json', import.meta.url), 'utf8'),
) as { cases: TorchCase[] };

const f64 = (v: number[] | number[][]) => fromArray(v, { dtype: 'float64' });

function run(c: TorchCase, input: Tensor): Tensor {
  const target = fromArray(c.inputs.target, { dtype: c.inputs.targetDtype });
  const options: Record<string, unknown> = { ...c.options };
  for (const key of ['weight', 'posWeight'] as const) {
    if (Array.isArray(options[key])) options[key] = f64(options[key] as number[]);
  }
  if (c.fn === 'crossEntropy') return crossEntropy(input, target, options);
  if (c.fn === 'nllLoss') return nllLoss(input, target, options);
  return bceWithLogits(input, target, options);
}

describe('class-weighted losses match PyTorch (values and input gradients)', () => {
  it('the fixture covers every loss, reduction and option', () => {
    expect(fixture.cases.length).toBe(39);
    expect(new Set(fixture.cases.map((c) => c.fn))).toEqual(
      new Set(['crossEntropy', 'nllLoss', 'bceWithLogits']),
    );
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const x = tensor(f64(c.inputs.input), { requiresGrad: true });
      const loss = run(c, x);
      const want = [c.loss].flat(2);
      expectClose(loss.array.dataSync(), want, 1e-12);
      (c.options.reduction === 'none' ? loss.sum() : loss).backward();
      expectClose(x.grad!.array.dataSync(), c.grad.flat(), 1e-12);
    });
  }

  it('the loss modules take the same options', () => {
    const c = fixture.cases.find((k) => k.fn === 'crossEntropy' && k.options.reduction === 'mean')!;
    const module = new CrossEntropyLoss({ ...c.options, weight: f64(c.options.weight as number[]) });
    const loss = module.forward(tensor(f64(c.inputs.input)), fromArray(c.inputs.target, { dtype: 'int32' }));
    expect(loss.item()).toBeCloseTo(c.loss as number, 12);
  });
});

describe('class-weighted losses: gradients (float64 finite differences)', () => {
  const labels = fromArray([2, 0, -100, 1], { dtype: 'int32' });
  const w = fromArray([0.3, 2, 1.5], { dtype: 'float64' });

  it('crossEntropy with weight and label smoothing, every reduction', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGradcheck(
        (z) => crossEntropy(z, labels, { weight: w, labelSmoothing: 0.1, reduction }),
        [rn(4, 3)],
      );
    }
  });

  it('crossEntropy with probability targets and weight', () => {
    const p = rn(4, 3).softmax(-1);
    expectGradcheck((z) => crossEntropy(z, p, { weight: w }), [rn(4, 3)]);
  });

  it('nllLoss with weight', () => {
    expectGradcheck((z) => nllLoss(z.logSoftmax(-1), labels, { weight: w }), [rn(4, 3)]);
  });

  it('bceWithLogits with weight and per-class posWeight', () => {
    const y = fromArray(
      [
        [1, 0, 1],
        [0, 0, 1],
      ],
      { dtype: 'float64' },
    );
    expectGradcheck(
      (z) =>
        bceWithLogits(z, y, {
          posWeight: fromArray([2, 0.5, 4], { dtype: 'float64' }),
          weight: w.reshape(1, 3),
        }),
      [rn(2, 3)],
    );
  });
});

describe('class weights are checked', () => {
  const logits = tensor(rn(4, 3));
  const labels = fromArray([2, 0, 1, 1], { dtype: 'int32' });

  it('names the op, what was given and what is valid', () => {
    expect(() => crossEntropy(logits, labels, { weight: fromArray([1, 2]) })).toThrow(ShapeError);
    expect(() => crossEntropy(logits, labels, { weight: fromArray([1, 2]) })).toThrow(
      /softmaxCrossEntropy: weight must have shape \[3\] \(one per class\), got \[2\]/,
    );
    expect(() => nllLoss(logits, labels, { weight: fromArray([1, 2, 3], { dtype: 'int32' }) })).toThrow(
      DTypeError,
    );
    expect(() => nllLoss(logits, labels, { weight: fromArray([1, 2, 3], { dtype: 'int32' }) })).toThrow(
      /nllLoss: weight must be float32 or float64/,
    );
    expect(() =>
      bceWithLogits(logits, rn(4, 3), { posWeight: fromArray([1, 2], { dtype: 'float64' }) }),
    ).toThrow(/bceWithLogits: posWeight of shape \[2\] does not broadcast to the input's shape \[4,3\]/);
    expect(() => bceWithLogits(logits, rn(4, 3), { posWeight: Number.NaN })).toThrow(ValueError);
  });

  it('a weight on another backend is a BackendError', () => {
    registerBackend('other-cpu', () => new CpuBackend('other-cpu'));
    try {
      const w = fromArray([1, 1, 1], { dtype: 'float64', backend: 'other-cpu' });
      expect(() => crossEntropy(logits, labels, { weight: w })).toThrow(BackendError);
      expect(() => nllLoss(logits, labels, { weight: w })).toThrow(BackendError);
    } finally {
      removeBackend('other-cpu');
    }
  });
});

describe('unknown or misspelt loss options are errors, not silently ignored', () => {
  const logits = tensor(rn(4, 3));
  const labels = fromArray([2, 0, 1, 1], { dtype: 'int32' });
  const cases: [string, () => unknown, RegExp][] = [
    [
      'crossEntropy { weights }',
      () => crossEntropy(logits, labels, { weights: 1 } as never),
      /crossEntropy: unknown option 'weights' \(did you mean 'weight'\?\); valid options: reduction, ignoreIndex, labelSmoothing, weight/,
    ],
    [
      'crossEntropy { ignore_index }',
      () => crossEntropy(logits, labels, { ignore_index: 0 } as never),
      /unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\)/,
    ],
    [
      'nllLoss { label_smoothing }',
      () => nllLoss(logits, labels, { labelSmoothing: 0.1 } as never),
      /nllLoss: unknown option 'labelSmoothing'; valid options: reduction, ignoreIndex, weight/,
    ],
    [
      'bceWithLogits { pos_weight }',
      () => bceWithLogits(logits, rn(4, 3), { pos_weight: 2 } as never),
      /unknown option 'pos_weight' \(did you mean 'posWeight'\?\)/,
    ],
    [
      'new CrossEntropyLoss { size_average }',
      () => new CrossEntropyLoss({ size_average: true } as never),
      /CrossEntropyLoss: unknown option 'size_average'/,
    ],
    [
      'new NLLLoss { reduce }',
      () => new NLLLoss({ reduce: false } as never),
      /NLLLoss: unknown option 'reduce'/,
    ],
    [
      'new BCEWithLogitsLoss { posWeights }',
      () => new BCEWithLogitsLoss({ posWeights: 1 } as never),
      /did you mean 'posWeight'/,
    ],
    [
      'reduction: "avg"',
      () => crossEntropy(logits, labels, { reduction: 'avg' } as never),
      /reduction must be/,
    ],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });
});

describe('messages that name the real problem (finding 10)', () => {
  it('float class labels say that labels must be int32, not that shapes differ', () => {
    const logits = tensor(rn(4, 3));
    const call = () => crossEntropy(logits, fromArray([0, 1, 2, 1]));
    expect(call).toThrow(DTypeError);
    expect(call).toThrow(/crossEntropy: class-index targets \[4\] must be int32 \(or uint8\), got float32/);
    expect(() => crossEntropy(logits, fromArray([0, 1]))).toThrow(
      /target \[2\] fits neither class indices \[4\] \(int32\) nor class probabilities \[4,3\]/,
    );
  });

  it('an out-of-range Embedding id is reported by the layer, with its size and the valid ids', () => {
    const emb = new Embedding(5, 2);
    const call = () => emb.forward(fromArray([1, 7], { dtype: 'int32' }));
    expect(call).toThrow(IndexError);
    expect(call).toThrow(
      /Embedding\.forward: id 7 \(at flat position 1 of ids \[2\]\) is out of range for Embedding\(5, 2\); valid ids: 0\.\.4/,
    );
    expect(() => emb.forward(fromArray([-1], { dtype: 'int32' }))).toThrow(/Embedding\.forward: id -1/);
  });

  it('out-of-range labels are reported by the loss that received them', () => {
    const logits = tensor(rn(3, 4));
    const bad = fromArray([0, 4, 1], { dtype: 'int32' });
    expect(() => nllLoss(logits, bad)).toThrow(
      /nllLoss: label 4 \(at flat position 1\) is out of range for 4 classes; labels must lie in \[0, 3\]/,
    );
    expect(() => crossEntropy(logits, bad)).toThrow(/softmaxCrossEntropy: label 4 \(at flat position 1\)/);
  });
});

describe('labels out of range where they cannot be read back (finding 3)', () => {
  // A CPU backend that, like WebGPU, cannot read back synchronously: the label check is skipped.
  class AsyncCpu extends CpuBackend {
    override readSync = undefined as unknown as CpuBackend['readSync'];
  }

  it('crossEntropy and nllLoss give NaN for such rows (never a silent 0), and NaN gradients there', async () => {
    registerBackend('async-cpu', () => new AsyncCpu('async-cpu'));
    try {
      const on = { backend: 'async-cpu' };
      const z = tensor(
        fromArray(
          [
            [1, 2, 3],
            [0, 0, 0],
            [3, 2, 1],
          ],
          on,
        ),
        { requiresGrad: true },
      );
      const labels = fromArray([0, 3, 1], { ...on, dtype: 'int32' }); // 3 ≥ C
      const perRow = crossEntropy(z, labels, { reduction: 'none' });
      const rows = Array.from(await perRow.array.toAsync('cpu').then((a) => a.dataSync()));
      expect(Number.isNaN(rows[1])).toBe(true);
      expect(rows[0]).toBeCloseTo(2.4076, 4);
      expect(rows[2]).toBeCloseTo(1.4076, 4);
      const mean = crossEntropy(z, labels);
      expect(Number.isNaN((await mean.array.toAsync('cpu')).item())).toBe(true);
      perRow.sum().backward();
      const grad = (await z.grad!.array.toAsync('cpu')).toArraySync() as number[][];
      expect(grad[1]!.every(Number.isNaN)).toBe(true);
      expect(grad[0]!.every(Number.isFinite)).toBe(true);
      const nll = nllLoss(z.logSoftmax(-1), labels, { reduction: 'none' });
      expect(Number.isNaN((await nll.array.toAsync('cpu')).dataSync()[1])).toBe(true);
      // ignored rows stay ignored, negative labels are out of range too
      const ignored = crossEntropy(z, fromArray([0, -100, -2], { ...on, dtype: 'int32' }), {
        reduction: 'none',
      });
      const r = Array.from((await ignored.array.toAsync('cpu')).dataSync());
      expect([r[1], Number.isNaN(r[2])]).toEqual([0, true]);
    } finally {
      removeBackend('async-cpu');
    }
  });
});
