import { ValueError } from '@mlblocks/core-tensor';

/** Each word's path in the Huffman tree of hierarchical softmax. */
export interface HuffmanCodes {
  /** Word w's bits, root first: `codes[start[w] .. start[w + 1])` (1: the right child). */
  codes: Uint8Array;
  /** The inner nodes on word w's path (ids 0 … V − 2, the root is V − 2), in the same range. */
  points: Int32Array;
  /** Offsets into `codes` / `points`, one per word plus the end. */
  start: Int32Array;
}

/**
 * The Huffman tree of word counts, built as the C tool's `CreateBinaryTree` builds it: counts must
 * be sorted by decreasing count (a vocabulary's order); two pointers merge the two smallest nodes
 * V − 1 times; frequent words get short codes. A word's code is its path from the root; predicting
 * it is one logistic regression per inner node on the path.
 */
export function huffmanCodes(counts: ArrayLike<number>): HuffmanCodes {
  const n = counts.length;
  if (n < 2) throw new ValueError('huffmanCodes', `hierarchical softmax needs at least 2 words, got ${n}`);
  const count = new Float64Array(2 * n - 1);
  const parent = new Int32Array(2 * n - 1);
  const binary = new Uint8Array(2 * n - 1);
  for (let i = 0; i < n; i++) {
    count[i] = counts[i]!;
    if (i > 0 && counts[i]! > counts[i - 1]!) {
      throw new ValueError('huffmanCodes', `counts must be sorted by decreasing count (index ${i})`);
    }
  }
  for (let i = n; i < 2 * n - 1; i++) count[i] = Number.POSITIVE_INFINITY;
  let leaf = n - 1; // the smallest leaf not merged yet
  let inner = n; // the smallest inner node not merged yet
  const smallest = (): number => (leaf >= 0 && count[leaf]! < count[inner]! ? leaf-- : inner++);
  for (let a = 0; a < n - 1; a++) {
    const min1 = smallest();
    const min2 = smallest();
    count[n + a] = count[min1]! + count[min2]!;
    parent[min1] = n + a;
    parent[min2] = n + a;
    binary[min2] = 1;
  }
  const root = 2 * n - 2;
  const start = new Int32Array(n + 1);
  const paths: number[][] = [];
  for (let w = 0; w < n; w++) {
    const path: number[] = [];
    for (let node = w; node !== root; node = parent[node]!) path.push(node);
    paths.push(path);
    start[w + 1] = start[w]! + path.length;
  }
  const codes = new Uint8Array(start[n]!);
  const points = new Int32Array(start[n]!);
  for (let w = 0; w < n; w++) {
    const path = paths[w]!;
    const len = path.length;
    // path runs leaf → root; codes and points run root → leaf
    for (let d = 0; d < len; d++) {
      const node = path[len - 1 - d]!;
      codes[start[w]! + d] = binary[node]!;
      points[start[w]! + d] = (d === 0 ? root : parent[node]!) - n;
    }
  }
  return { codes, points, start };
}
