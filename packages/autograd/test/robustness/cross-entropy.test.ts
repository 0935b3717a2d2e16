// softmaxCrossEntropy at the boundary (issue #15): huge logits keep the log-sum term in the loss
// and the gradient (finding 4), labels out of range are an error where they can be read and NaN
// where they cannot (finding 3), class weights (finding 7), unknown options (finding 7).
import { gradcheck, logSoftmax, softmaxCrossEntropy, type Tensor, tensor } from '@mlblocks/autograd';
import {
  BackendError,
  CpuBackend,
  DTypeError,
  fromArray,
  Generator,
  randn,
  registerBackend,
  removeBackend,
  ShapeError,
  ValueError,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

const f64 = (v: number[] | number[][]) => fromArray(v, { dtype: 'float64' });

describe('huge logits (finding 4)', () => {
  it('[1e30, 1e30, 1e30]: logSoftmax −log 3, cross-entropy log 3, gradient [⅓, ⅓, −⅔]', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const z = tensor(fromArray([[1e30, 1e30, 1e30]], { dtype }), { requiresGrad: true });
      for (const v of logSoftmax(z, -1).array.dataSync()) expect(v).toBeCloseTo(-Math.log(3), 6);
      const loss = softmaxCrossEntropy(z, fromArray([2], { dtype: 'int32' }));
      expect(loss.item()).toBeCloseTo(Math.log(3), 6);
      loss.backward();
      const [a, b, c] = z.grad!.array.dataSync();
      expect([a, b, c].map((v) => Number(v!.toFixed(6)))).toEqual([0.333333, 0.333333, -0.666667]);
    }
  });
});

describe('labels', () => {
  const z = tensor(
    f64([
      [1, 2, 3],
      [0, 0, 0],
      [3, 2, 1],
    ]),
  );

  it('out of range on the CPU: a ValueError naming the label, its position and the valid range', () => {
    for (const bad of [
      [0, 3, 1],
      [0, -1, 1],
    ]) {
      const call = () => softmaxCrossEntropy(z, fromArray(bad, { dtype: 'int32' }));
      expect(call).toThrow(ValueError);
      expect(call).toThrow(
        new RegExp(
          `softmaxCrossEntropy: label ${bad[1]} \\(at flat position 1\\) is out of range for 3 classes; labels must lie in \\[0, 2\\]`,
        ),
      );
    }
    expect(softmaxCrossEntropy(z, fromArray([0, -100, 1], { dtype: 'int32' })).item()).toBeGreaterThan(0);
  });

  it('out of range where labels cannot be read back (WebGPU): NaN for that row, not 0 (finding 3)', async () => {
    class AsyncCpu extends CpuBackend {
      override readSync = undefined as unknown as CpuBackend['readSync'];
    }
    registerBackend('async-cpu', () => new AsyncCpu('async-cpu'));
    try {
      const za = tensor(
        fromArray(
          [
            [1, 2, 3],
            [0, 0, 0],
          ],
          { backend: 'async-cpu' },
        ),
        { requiresGrad: true },
      );
      const labels = fromArray([1, 7], { dtype: 'int32', backend: 'async-cpu' });
      const rows = await softmaxCrossEntropy(za, labels, { reduction: 'none' }).array.toAsync('cpu');
      expect(rows.dataSync()[0]).toBeCloseTo(1.4076, 4);
      expect(Number.isNaN(rows.dataSync()[1])).toBe(true);
      const mean = softmaxCrossEntropy(za, labels);
      expect(Number.isNaN((await mean.array.toAsync('cpu')).item())).toBe(true);
      mean.backward();
      const grad = (await za.grad!.array.toAsync('cpu')).toArraySync() as number[][];
      expect(grad[1]!.every(Number.isNaN)).toBe(true);
    } finally {
      removeBackend('async-cpu');
    }
  });

  it('labels on another backend than the logits: a BackendError', () => {
    registerBackend('other-cpu', () => new CpuBackend('other-cpu'));
    try {
      const labels = fromArray([0, 1, 2], { dtype: 'int32', backend: 'other-cpu' });
      expect(() => softmaxCrossEntropy(z, labels)).toThrow(BackendError);
    } finally {
      removeBackend('other-cpu');
    }
  });
});

describe('class weights (finding 7)', () => {
  const gen = new Generator(15);
  const logits = () => randn([5, 4], { generator: gen }).cast('float64');
  const labels = fromArray([3, 0, -100, 1, 3], { dtype: 'int32' });
  const weight = f64([0.5, 2, 1, 3.5]);

  it('weighted mean = Σ w[y]·(−log p_y) / Σ w[y] over the non-ignored rows', () => {
    const x = logits();
    const logp = x.logSoftmax(-1).toArraySync() as number[][];
    const w = [0.5, 2, 1, 3.5];
    const ys = [3, 0, -100, 1, 3];
    let num = 0;
    let den = 0;
    ys.forEach((y, i) => {
      if (y === -100) return;
      num += -w[y]! * logp[i]![y]!;
      den += w[y]!;
    });
    expect(softmaxCrossEntropy(tensor(x), labels, { weight }).item()).toBeCloseTo(num / den, 12);
    expect(softmaxCrossEntropy(tensor(x), labels, { weight, reduction: 'sum' }).item()).toBeCloseTo(num, 12);
  });

  it('gradchecks with and without label smoothing, every reduction', () => {
    for (const labelSmoothing of [0, 0.3]) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const report = gradcheck(
          (x: Tensor) => softmaxCrossEntropy(x, labels, { weight, labelSmoothing, reduction }),
          [logits()],
        );
        expect(report.passed, report.message).toBe(true);
      }
    }
  });

  it('a weight of the wrong shape, dtype or kind is rejected with a typed error', () => {
    const x = tensor(logits());
    expect(() => softmaxCrossEntropy(x, labels, { weight: f64([1, 2]) })).toThrow(ShapeError);
    expect(() =>
      softmaxCrossEntropy(x, labels, { weight: fromArray([1, 2, 3, 4], { dtype: 'int32' }) }),
    ).toThrow(DTypeError);
    expect(() => softmaxCrossEntropy(x, labels, { weight: [1, 2, 3, 4] as never })).toThrow(
      /weight must be an NDArray of shape \[4\]/,
    );
  });
});

describe('unknown options (finding 7)', () => {
  it('softmaxCrossEntropy, tensor, backward, dropout and gradcheck reject them by name', () => {
    const z = tensor(f64([[1, 2]]), { requiresGrad: true });
    const y = fromArray([1], { dtype: 'int32' });
    expect(() => softmaxCrossEntropy(z, y, { label_smoothing: 0.1 } as never)).toThrow(
      "softmaxCrossEntropy: unknown option 'label_smoothing' (did you mean 'labelSmoothing'?); valid options: ignoreIndex, labelSmoothing, reduction, weight",
    );
    expect(() => tensor([1], { requires_grad: true } as never)).toThrow(
      /tensor: unknown option 'requires_grad' \(did you mean 'requiresGrad'\?\)/,
    );
    expect(() => z.sum().backward(undefined, { retain_graph: true } as never)).toThrow(
      /backward: unknown option 'retain_graph'/,
    );
    expect(() => z.dropout(0.5, { train: true } as never)).toThrow(
      /dropout: unknown option 'train' \(did you mean 'training'\?\)/,
    );
    expect(() => gradcheck((x) => x.sum(), [f64([1])], { tol: 1 } as never)).toThrow(
      /gradcheck: unknown option 'tol'/,
    );
  });

  it('tensor(ndarray, options) that would change the array is an error, not ignored', () => {
    const a = fromArray([1, 2]);
    expect(() => tensor(a, { dtype: 'float64' })).toThrow(
      /tensor: dtype, backend and shape apply to JS data/,
    );
    expect(() => tensor(a, { shape: [2, 1] })).toThrow(ValueError);
    expect(tensor(a, { dtype: 'float32', shape: [2], requiresGrad: true }).requiresGrad).toBe(true);
  });
});
