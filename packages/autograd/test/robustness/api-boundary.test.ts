// Differentiable ops on random operands (issue #15): shapes, dtypes, backends, disposed tensors,
// requiresGrad or not. Each call gives a tensor whose backward fills gradients of its inputs'
// shapes, or a typed MlBlocksError naming an op — never a TypeError or RangeError.
import { type Tensor, tensor } from '@mlblocks/autograd';
import {
  CpuBackend,
  DTYPES,
  type DType,
  full,
  MlBlocksError,
  registerBackend,
  removeBackend,
} from '@mlblocks/core-tensor';
import { fuzzParams, Tally } from '@mlblocks/fuzz-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';

beforeAll(() => registerBackend('cpu2', () => new CpuBackend('cpu2')));
afterAll(() => removeBackend('cpu2'));

interface Spec {
  shape: number[];
  dtype: DType;
  backend: string;
  grad: boolean;
  disposed: boolean;
}
const spec: fc.Arbitrary<Spec> = fc.record({
  shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
  dtype: fc.constantFrom(...DTYPES, 'float32', 'float64'),
  backend: fc.constantFrom('cpu', 'cpu', 'cpu', 'cpu2'),
  grad: fc.boolean(),
  disposed: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
});

function make(s: Spec): Tensor | undefined {
  const array = full(s.shape, s.dtype === 'bool' ? true : 1, { dtype: s.dtype, backend: s.backend });
  let t: Tensor;
  try {
    t = tensor(array, { requiresGrad: s.grad && (s.dtype === 'float32' || s.dtype === 'float64') });
  } catch {
    return undefined;
  }
  if (s.disposed) t.dispose();
  return t;
}

const UNARY = [
  'exp',
  'log',
  'tanh',
  'sigmoid',
  'relu',
  'abs',
  'sqrt',
  'square',
  'neg',
  'sum',
  'mean',
  'max',
  'softmax',
  'logSoftmax',
  'transpose',
  'flatten',
] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'matmul'] as const;

const tally = new Tally('autograd ops and backward on random tensors (shapes, dtypes, backends, disposed)');
const typed = (e: unknown) => e instanceof MlBlocksError && /^\w[\w.]*: /.test(e.message);

function gradsFit(out: Tensor, inputs: Tensor[]): boolean {
  if (!out.requiresGrad) return true;
  const seed = out.size === 1 ? out : out.sum();
  seed.backward();
  return inputs.every((t) => !t.requiresGrad || t.grad === null || t.grad.shape.join() === t.shape.join());
}

describe('random differentiable ops', () => {
  it('unary ops and reductions', () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNARY), spec, (op, s) => {
        const x = make(s);
        if (x === undefined) return;
        tally.run(
          () => {
            const out = (x as unknown as Record<string, () => Tensor>)[op]!.call(x);
            return { out, ok: gradsFit(out, [x]) };
          },
          typed,
          ({ ok }) => ok && !s.disposed,
        );
      }),
      fuzzParams(300),
    );
  });

  it('binary ops', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BINARY), spec, spec, (op, sa, sb) => {
        const [a, b] = [make(sa), make(sb)];
        if (a === undefined || b === undefined) return;
        tally.run(
          () => {
            const out = (a as unknown as Record<string, (o: Tensor) => Tensor>)[op]!.call(a, b);
            return { out, ok: gradsFit(out, [a, b]) };
          },
          typed,
          ({ ok }) => ok && !sa.disposed && !sb.disposed && sa.backend === sb.backend,
        );
      }),
      fuzzParams(300),
    );
  });
});
