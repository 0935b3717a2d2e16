import {
  CpuBackend,
  DisposedError,
  dispose,
  fromArray,
  IndexError,
  keep,
  memory,
  type NDArray,
  oneHot,
  ones,
  randn,
  registerBackend,
  removeBackend,
  ShapeError,
  stack,
  tidy,
  ValueError,
  zeros,
} from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';

const cpu = () => memory().backends.cpu!;

describe('memory ownership', () => {
  it('dispose frees the storage once the last view goes; double dispose is safe', () => {
    const before = cpu();
    const x = ones([10, 10]);
    const v = x.transpose();
    expect(cpu().buffers).toBe(before.buffers + 1);
    expect(cpu().bytes).toBe(before.bytes + 400);
    x.dispose();
    expect(cpu().buffers).toBe(before.buffers + 1); // the view still holds it
    v.dispose();
    v.dispose();
    expect(cpu()).toEqual(before);
    expect(() => x.add(1)).toThrow(DisposedError);
    expect(() => x.dataSync()).toThrow(/already disposed/);
  });

  it('tidy frees intermediates and keeps what is returned (arrays, objects) and kept', () => {
    const x = randn([8, 8]);
    const before = memory();
    let inner: ReturnType<typeof ones> | undefined;
    const { y, stats } = tidy(() => {
      inner = keep(ones([2]));
      const h = x.matmul(x).relu().add(1);
      return { y: h.softmax(), stats: [h.mean(), h.max()] };
    });
    expect(memory().ndarrays).toBe(before.ndarrays + 4);
    expect(cpu().buffers).toBe(before.backends.cpu!.buffers + 4);
    expect(y.isDisposed).toBe(false);
    expect(inner!.isDisposed).toBe(false);
    dispose([y, stats, inner]);
    expect(memory().ndarrays).toBe(before.ndarrays);
    expect(cpu()).toEqual(before.backends.cpu);
  });

  it('nested scopes hand returned arrays to the enclosing scope', () => {
    const before = memory().ndarrays;
    const outer = tidy(() => {
      const a = tidy(() => ones([3]).mul(2));
      expect(a.isDisposed).toBe(false);
      return a.sum();
    });
    expect(outer.item()).toBe(6);
    outer.dispose();
    expect(memory().ndarrays).toBe(before);
  });

  it('a throwing scope still frees its arrays; async scopes are refused', () => {
    const before = memory().ndarrays;
    expect(() =>
      tidy(() => {
        ones([4]).add(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().ndarrays).toBe(before);
    expect(() => tidy(() => Promise.resolve(1) as never)).toThrow(ValueError);
  });

  it('a 1,000-step loop of ops in tidy holds memory flat', () => {
    const w = randn([16, 16]);
    const start = memory();
    for (let step = 0; step < 1000; step++) {
      tidy(() => {
        const h = w.matmul(w).tanh();
        return h.logSoftmax().mean().item();
      });
    }
    expect(memory()).toEqual(start);
    expect(fromArray([1]).isDisposed).toBe(false);
  });
});

describe('composed ops free their own temporaries', () => {
  const x = fromArray([
    [1, -2, 3],
    [4, 5, -6],
  ]);
  const v = fromArray([1, 2, 3]);
  const bytes = fromArray([1, 2, 3, 4], { dtype: 'uint8' });
  const xt = x.transpose();
  const index = fromArray(
    [
      [1, 0, 1],
      [0, 1, 0],
    ],
    { dtype: 'int32' },
  );
  const labels = fromArray([2, 0], { dtype: 'int32' });
  const inputs = [x, xt, v, bytes, index, labels];
  const ops: [string, () => NDArray | NDArray[]][] = [
    ['clip', () => x.clip(-1, 4)],
    ['mean', () => x.mean(1)],
    ['mean of uint8', () => bytes.mean()],
    ['var', () => x.var(0, true, 1)],
    ['std', () => x.std()],
    ['logsumexp', () => x.logsumexp(1)],
    ['softmax', () => x.softmax(0)],
    ['logSoftmax', () => x.logSoftmax()],
    ['argmax', () => x.argmax(undefined, true)],
    ['argmin', () => x.argmin(1, true)],
    ['matmul', () => x.matmul(xt)],
    ['matmul 1-D', () => v.matmul(xt)],
    ['stack', () => stack([x, x], 1)],
    ['split', () => x.split(3, 1)],
    ['indexSelect', () => x.indexSelect(1, [2, 0])],
    ['indexAdd', () => x.indexAdd(0, [1, 1], x)],
    ['gather', () => x.gather(1, index)],
    ['scatterAdd', () => x.scatterAdd(0, index, x)],
    ['oneHot', () => oneHot(labels, 3)],
  ];

  it.each(ops)('%s leaves only its result alive, and never disposes an input', (_, op) => {
    const before = memory();
    const out = [op()].flat();
    expect(memory().ndarrays).toBe(before.ndarrays + out.length);
    for (const a of [...out, ...inputs]) expect(a.isDisposed).toBe(false);
    for (const a of out) a.dataSync();
    dispose(out);
    expect(memory()).toEqual(before);
  });

  it('inside a user tidy (nested), results live until the scope ends and kept ones after it', () => {
    const before = memory();
    let keptInside: NDArray | undefined;
    const returned = tidy(() => {
      const results = ops.map(([, op]) => op());
      for (const a of results.flat()) expect(a.isDisposed).toBe(false);
      const inner = tidy(() => {
        keptInside = keep(x.logsumexp(0));
        return keptInside.add(x.mean());
      });
      expect(inner.isDisposed).toBe(false);
      return x.softmax();
    });
    const again = x.softmax();
    expect(returned.toArraySync()).toEqual(again.toArraySync());
    expect(keptInside!.isDisposed).toBe(false);
    expect(inputs.every((a) => !a.isDisposed)).toBe(true);
    expect(memory().ndarrays).toBe(before.ndarrays + 3);
    dispose([returned, again, keptInside]);
    expect(memory()).toEqual(before);
  });

  it('an op that throws frees what it made before the error', () => {
    const outOfRange = fromArray(
      [
        [3, 0, 0],
        [0, 0, 0],
      ],
      { dtype: 'int32' },
    );
    const target = zeros([2, 3]);
    const before = memory();
    expect(() => v.matmul(x)).toThrow(ShapeError);
    expect(() => x.indexSelect(1, [0, 5])).toThrow(IndexError);
    expect(() => x.gather(1, outOfRange)).toThrow(IndexError);
    expect(() => x.indexAdd(0, [1], x)).toThrow(ShapeError);
    target.assign(2);
    expect(memory()).toEqual(before);
    expect(target.toArraySync()).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });

  it('softmax composed from primitives (a backend without the fused kernel) leaks nothing', () => {
    const plain = new CpuBackend('plain');
    Object.assign(plain, { softmax: undefined, logSoftmax: undefined });
    registerBackend('plain', plain);
    try {
      const y = x.to('plain');
      const before = memory();
      const p = y.softmax(0);
      const logp = y.logSoftmax();
      expect(memory().ndarrays).toBe(before.ndarrays + 2);
      const expected = [x.softmax(0), x.logSoftmax()];
      const got = [p, logp];
      got.forEach((a, k) => {
        const want = expected[k]!.dataSync();
        a.dataSync().forEach((value, i) => {
          expect(value).toBeCloseTo(want[i]!, 5);
        });
      });
      dispose(expected);
      dispose([p, logp, y]);
    } finally {
      removeBackend('plain');
    }
  });
});
