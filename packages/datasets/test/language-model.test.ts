import { dispose } from '@mlblocks/core-tensor';
import { batchify, bpttWindowCount, bpttWindows, trainValidTestSplit } from '@mlblocks/datasets';
import { describe, expect, it } from 'vitest';

const ids = Int32Array.from({ length: 26 }, (_, i) => i);

describe('batchify', () => {
  it('lays out one contiguous stream per row and drops the remainder', () => {
    const data = batchify(ids, 4);
    expect(data.shape).toEqual([4, 6]);
    expect(data.dtype).toBe('int32');
    expect(data.toArraySync()).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
      [12, 13, 14, 15, 16, 17],
      [18, 19, 20, 21, 22, 23],
    ]);
    data.dispose();
  });

  it('needs at least two steps per row', () => {
    expect(() => batchify(ids, 14)).toThrow(
      /26 tokens give 1 steps per row for batchSize 14; need at least 2/,
    );
    expect(() => batchify(ids, 0)).toThrow(/batchSize must be a positive integer/);
  });
});

describe('bpttWindows', () => {
  it('yields [batch, seqLen] windows with targets shifted by one, the last one shorter', () => {
    const data = batchify(ids, 2); // [2, 13]
    const windows = [...bpttWindows(data, 5)];
    expect(windows.map((w) => w.start)).toEqual([0, 5, 10]);
    expect(windows.map((w) => w.input.shape)).toEqual([
      [2, 5],
      [2, 5],
      [2, 2],
    ]);
    expect(windows.length).toBe(bpttWindowCount(13, 5));
    expect(windows[1]!.input.toArraySync()).toEqual([
      [5, 6, 7, 8, 9],
      [18, 19, 20, 21, 22],
    ]);
    expect(windows[1]!.target.toArraySync()).toEqual([
      [6, 7, 8, 9, 10],
      [19, 20, 21, 22, 23],
    ]);
    expect(windows[2]!.target.toArraySync()).toEqual([
      [11, 12],
      [24, 25],
    ]);
    // every step but the last is an input exactly once
    const inputs = windows.flatMap((w) => (w.input.toArraySync() as number[][])[0]!);
    expect(inputs).toEqual(Array.from({ length: 12 }, (_, i) => i));
    dispose(windows.map((w) => [w.input, w.target]));
    expect(data.toArraySync()).toHaveLength(2); // views freed, data still alive
    data.dispose();
  });

  it('checks its arguments', () => {
    const data = batchify(ids, 2);
    expect(() => [...bpttWindows(data, 0)]).toThrow(/seqLen must be a positive integer/);
    expect(() => [...bpttWindows(data.reshape(-1), 3)]).toThrow(
      /expected a batchified \[batch, steps\] array/,
    );
    expect([...bpttWindows(data, 100)]).toHaveLength(1);
    data.dispose();
  });
});

describe('trainValidTestSplit', () => {
  it('splits a token stream contiguously: train, then valid, then test', () => {
    const { train, valid, test } = trainValidTestSplit(ids, { valid: 0.1, test: 0.2 });
    expect([train.length, valid.length, test.length]).toEqual([18, 3, 5]);
    expect([...train, ...valid, ...test]).toEqual([...ids]);
    expect(train).toBeInstanceOf(Int32Array);
  });

  it('shuffles documents with a seed, reproducibly', () => {
    const docs = Array.from({ length: 20 }, (_, i) => `doc ${i}`);
    const a = trainValidTestSplit(docs, { seed: 4 });
    const b = trainValidTestSplit(docs, { seed: 4 });
    const c = trainValidTestSplit(docs, { seed: 5 });
    expect(a).toEqual(b);
    expect(a.train).not.toEqual(c.train);
    expect([a.train.length, a.valid.length, a.test.length]).toEqual([16, 2, 2]);
    expect([...a.train, ...a.valid, ...a.test].sort()).toEqual([...docs].sort());
    expect(docs[0]).toBe('doc 0'); // input untouched
  });

  it('rejects impossible fractions', () => {
    expect(() => trainValidTestSplit(ids, { valid: 0.6, test: 0.6 })).toThrow(
      /must be ≥ 0 and sum to at most 1/,
    );
  });
});
