import {
  DisposedError,
  dispose,
  fromArray,
  keep,
  memory,
  ones,
  randn,
  tidy,
  ValueError,
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
