// The API boundary under fuzzing (issue #15): random ops on random operands — any shape, any
// dtype, two backends, disposed arrays — either give the right result shape or throw a typed
// MlBlocksError whose message starts with the op the user called; never a TypeError/RangeError.
// Also the messages of finding 10: batched matmul mismatches and use-after-dispose.
import {
  BackendError,
  BINARY_OPS,
  CpuBackend,
  concat,
  DisposedError,
  DTYPES,
  type DType,
  fromArray,
  full,
  MlBlocksError,
  matmul,
  type NDArray,
  registerBackend,
  removeBackend,
  ShapeError,
  UNARY_OPS,
  ValueError,
  where,
  zeros,
} from '@mlblocks/core-tensor';
import { fuzzParams, Tally } from '@mlblocks/fuzz-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

beforeAll(() => registerBackend('cpu2', () => new CpuBackend('cpu2')));
afterAll(() => removeBackend('cpu2'));

interface Spec {
  shape: number[];
  dtype: DType;
  backend: 'cpu' | 'cpu2';
  disposed: boolean;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  dtype: fc.constantFrom(...DTYPES),
  backend: fc.constantFrom('cpu', 'cpu', 'cpu', 'cpu2'),
  disposed: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

function make(s: Spec): NDArray {
  const a = full(s.shape, s.dtype === 'bool' ? true : 1, { dtype: s.dtype, backend: s.backend });
  if (s.disposed) a.dispose();
  return a;
}

function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

const OP_NAMES: Record<string, string> = { not: 'logicalNot', and: 'logicalAnd', or: 'logicalOr' };
const METHOD: Record<string, string> = { not: 'logicalNot', and: 'logicalAnd', or: 'logicalOr' };

// Whether a call must fail whatever else is right (any typed error naming the op will do: a dtype
// error may be found before the disposed operand): the error class it would otherwise raise.
function mustFail(specs: Spec[]): typeof DisposedError | typeof BackendError | undefined {
  if (specs.some((s) => s.disposed)) return DisposedError;
  if (new Set(specs.map((s) => s.backend)).size > 1) return BackendError;
  return undefined;
}

const tally = new Tally('core-tensor ops on random operands (shapes, dtypes, backends, disposed)');

describe('random ops on random operands', () => {
  const typed = (op: string) => (e: unknown) =>
    e instanceof MlBlocksError && (e.message.startsWith(`${op}: `) || e.op === op);

  it('binary ops: broadcast shape or a typed error naming the op', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BINARY_OPS), specArb, specArb, (op, sa, sb) => {
        const name = OP_NAMES[op] ?? op;
        const [a, b] = [make(sa), make(sb)];
        const expected = mustFail([sa, sb]);
        tally.run(
          () => (a as unknown as Record<string, (o: NDArray) => NDArray>)[METHOD[op] ?? op]!(b),
          typed(name),
          (out) => expected === undefined && out.shape.join() === broadcast(sa.shape, sb.shape)?.join(),
        );
      }),
      fuzzParams(300),
    );
  });

  it('unary ops and reductions: the input shape or a typed error naming the op', () => {
    const reductions = ['sum', 'prod', 'max', 'min', 'mean', 'argmax', 'logsumexp', 'softmax', 'logSoftmax'];
    fc.assert(
      fc.property(
        fc.constantFrom(...UNARY_OPS, ...reductions),
        specArb,
        fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined }),
        (op, s, axis) => {
          const name = OP_NAMES[op] ?? op;
          const a = make(s);
          const expected = mustFail([s]);
          const method = (a as unknown as Record<string, (x?: number) => NDArray>)[METHOD[op] ?? op]!;
          const isReduction = reductions.includes(op);
          tally.run(
            () =>
              isReduction ? method.call(a, op.includes('oftmax') ? (axis ?? -1) : axis) : method.call(a),
            typed(name),
            (out) => {
              if (expected !== undefined) return false;
              if (!isReduction || op.includes('oftmax')) return out.shape.join() === s.shape.join();
              const ax = axis === undefined ? undefined : axis < 0 ? axis + s.shape.length : axis;
              const want = ax === undefined ? [] : s.shape.filter((_, i) => i !== ax);
              return out.shape.join() === want.join();
            },
          );
        },
      ),
      fuzzParams(300),
    );
  });

  it('matmul, concat, reshape, where: the right shape or a typed error naming the op', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('matmul', 'concat', 'reshape', 'where', 'indexSelect', 'transpose', 'cast'),
        specArb,
        specArb,
        fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 3 }),
        (op, sa, sb, dims) => {
          const [a, b] = [make(sa), make(sb)];
          const expected = ['reshape', 'transpose', 'cast'].includes(op)
            ? mustFail([sa])
            : mustFail([sa, sb]);
          tally.run(
            () => {
              if (op === 'matmul') return matmul(a, b);
              if (op === 'concat') return concat([a, b], 0);
              if (op === 'reshape') return a.reshape(dims);
              if (op === 'where') return where(a, b, 0);
              if (op === 'indexSelect') return a.indexSelect(0, b);
              if (op === 'transpose') return a.transpose();
              return a.cast(sb.dtype);
            },
            typed(op),
            (out) => {
              if (expected !== undefined) return false;
              if (op === 'reshape') return out.size === a.size && out.rank === dims.length;
              if (op === 'cast') return out.dtype === sb.dtype && out.shape.join() === sa.shape.join();
              if (op === 'concat')
                return (
                  out.shape[0] === sa.shape[0]! + sb.shape[0]! &&
                  out.shape.slice(1).join() === sa.shape.slice(1).join()
                );
              return out.shape.every((d) => Number.isInteger(d) && d >= 0);
            },
          );
        },
      ),
      fuzzParams(300),
    );
  });
});

describe('messages (finding 10)', () => {
  it('a batched matmul mismatch shows both operands and which axes do not broadcast', () => {
    const call = () => matmul(zeros([2, 3, 4]), zeros([3, 4, 5]));
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(
      'matmul: shapes [2,3,4] and [3,4,5]: the batch axes [2] and [3] cannot be broadcast (sizes must match or one must be 1)',
    );
  });

  it('use after dispose names the op the user called, not an internal view', () => {
    const x = fromArray([
      [1, 2],
      [3, 4],
    ]);
    x.dispose();
    const calls: [string, () => unknown][] = [
      ['add', () => x.add(1)],
      ['mul', () => fromArray([1]).mul(x)],
      ['exp', () => x.exp()],
      ['sum', () => x.sum()],
      ['mean', () => x.mean()],
      ['std', () => x.std()],
      ['argmax', () => x.argmax()],
      ['reshape', () => x.reshape([4])],
      ['transpose', () => x.transpose()],
      ['permute', () => x.permute(1, 0)],
      ['slice', () => x.slice([0, 1])],
      ['expand', () => x.expand([2, 2, 2])],
      ['squeeze', () => x.squeeze()],
      ['unsqueeze', () => x.unsqueeze(0)],
      ['flatten', () => x.flatten()],
      ['cast', () => x.cast('int32')],
      ['matmul', () => x.matmul(x)],
      ['softmax', () => x.softmax()],
      ['logSoftmax', () => x.logSoftmax()],
      ['clip', () => x.clip(0, 1)],
      ['where', () => where(fromArray([true]), x, 0)],
      ['concat', () => concat([fromArray([[1, 2]]), x])],
      ['indexSelect', () => x.indexSelect(0, [0])],
      ['ref', () => x.ref()],
      ['to', () => x.to('cpu')],
      ['clone', () => x.clone()],
      ['dataSync', () => x.dataSync()],
      ['assign', () => x.assign(1)],
    ];
    for (const [op, call] of calls) {
      expect(call, op).toThrow(DisposedError);
      expect(call, op).toThrow(
        new RegExp(`^${op}: array of shape \\[2,2\\] \\(float32\\) was already disposed`),
      );
    }
  });

  it('absurd shapes are a ValueError, not an allocation failure', () => {
    expect(() => zeros([0, 1e300])).toThrow(ValueError);
    expect(() => zeros([2 ** 40, 2 ** 40])).toThrow(/asks for .* elements .*at most 4294967296/);
    expect(() => zeros([0, 2 ** 40])).toThrow(ValueError);
    expect(zeros([0, 2 ** 20]).shape).toEqual([0, 2 ** 20]);
  });
});

describe('found by this fuzzer', () => {
  it('reshaping an empty array returns (it looped forever: the group sizes 2 vs 0 grew to NaN)', () => {
    expect(zeros([2, 0, 3]).reshape([-1]).shape).toEqual([0]);
    expect(zeros([2, 0, 3]).reshape([3, 0, 5]).shape).toEqual([3, 0, 5]);
    expect(zeros([0, 4]).transpose().reshape([2, 0, 2]).shape).toEqual([2, 0, 2]);
  });

  it('logsumexp over an empty axis is −∞ (it threw as max); softmax of an empty axis is empty', () => {
    expect(Array.from(zeros([2, 0]).logsumexp(1).dataSync())).toEqual([-Infinity, -Infinity]);
    expect(zeros([2, 0]).logsumexp(1, true).shape).toEqual([2, 1]);
    expect(zeros([3, 0]).logSoftmax(-1).shape).toEqual([3, 0]);
    expect(() => zeros([1]).logsumexp(3)).toThrow(/^logsumexp: axis 3 is out of range/);
  });
});
