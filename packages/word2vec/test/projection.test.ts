import { huffmanCodes, pca2d, umap2d } from '@mlblocks/word2vec';
import { describe, expect, it } from 'vitest';

describe('PCA to 2-D', () => {
  it('finds the directions of largest variance, deterministically', () => {
    // points spread along (1, 1, 0) (variance 4·…) and less along (1, −1, 0); none along z
    const rows: number[] = [];
    for (let i = -5; i <= 5; i++) {
      for (const j of [-1, 0, 1]) rows.push(i + j, i - j, 0.5);
    }
    const { points, components, explainedRatio, variance } = pca2d(rows, 3);
    const s = Math.SQRT1_2;
    expect(Math.abs(components[0]!)).toBeCloseTo(s, 6);
    expect(Math.abs(components[1]!)).toBeCloseTo(s, 6);
    expect(components[2]!).toBeCloseTo(0, 6);
    expect(Math.abs(components[3]! * components[0]! + components[4]! * components[1]!)).toBeCloseTo(0, 6);
    expect(explainedRatio[0] + explainedRatio[1]).toBeCloseTo(1, 6);
    expect(variance[0]).toBeGreaterThan(variance[1]);
    // the first coordinate of the middle point (i = 0, j = 0) is 0: data are centred
    expect(points[2 * 16]!).toBeCloseTo(0, 9);
    expect(pca2d(rows, 3).points).toEqual(points);
  });
});

describe('UMAP to 2-D (umap-js)', () => {
  it('keeps two clusters apart and is reproducible with a seed', () => {
    const rows: number[] = [];
    for (let i = 0; i < 20; i++) rows.push(1, 0.1 * Math.sin(i), 0.1 * Math.cos(i), 0);
    for (let i = 0; i < 20; i++) rows.push(0, 0.1 * Math.sin(i), 0.1 * Math.cos(i), 1);
    const a = umap2d(rows, 4, { seed: 3, nNeighbors: 5, nEpochs: 100 });
    expect(umap2d(rows, 4, { seed: 3, nNeighbors: 5, nEpochs: 100 }).points).toEqual(a.points);
    const centre = (from: number) => {
      let x = 0;
      let y = 0;
      for (let i = from; i < from + 20; i++)
        [x, y] = [x + a.points[2 * i]! / 20, y + a.points[2 * i + 1]! / 20];
      return [x, y];
    };
    const [c0, c1] = [centre(0), centre(20)];
    const spread = (from: number, c: number[]) => {
      let d = 0;
      for (let i = from; i < from + 20; i++)
        d = Math.max(d, Math.hypot(a.points[2 * i]! - c[0]!, a.points[2 * i + 1]! - c[1]!));
      return d;
    };
    expect(Math.hypot(c0[0]! - c1[0]!, c0[1]! - c1[1]!)).toBeGreaterThan(spread(0, c0) + spread(20, c1));
  });
});

describe('Huffman codes (hierarchical softmax)', () => {
  it("builds the C tool's tree: prefix-free codes, frequent words short, root first", () => {
    const counts = [40, 30, 20, 6, 4];
    const { codes, points, start } = huffmanCodes(counts);
    const code = (w: number) => [...codes.subarray(start[w]!, start[w + 1]!)].join('');
    const all = counts.map((_, w) => code(w));
    expect(all.map((c) => c.length)).toEqual([1, 2, 3, 4, 4]);
    for (const a of all) for (const b of all) if (a !== b) expect(b.startsWith(a)).toBe(false);
    for (let w = 0; w < counts.length; w++) expect(points[start[w]!]).toBe(counts.length - 2); // the root
    expect(Math.max(...points)).toBe(counts.length - 2);
    expect(() => huffmanCodes([1])).toThrow(/at least 2 words/);
    expect(() => huffmanCodes([1, 2])).toThrow(/sorted by decreasing count/);
  });
});
