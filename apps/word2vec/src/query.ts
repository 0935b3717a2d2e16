import type { KeyedVectors } from '@mlblocks/word2vec';

/** Prints each word's nearest neighbours on one line (words without a vector are said to be missing). */
export function printNeighbors(
  vectors: KeyedVectors,
  words: readonly string[],
  topN: number,
  log: (line: string) => void,
): void {
  for (const word of words) {
    if (!vectors.has(word)) {
      log(`${word}: not in the vocabulary`);
      continue;
    }
    const near = vectors.mostSimilar(word, { topN });
    log(`${word}: ${near.map((n) => `${n.word} ${n.similarity.toFixed(2)}`).join(', ')}`);
  }
}

/** Prints the answers of `a : b :: c : ?`. */
export function printAnalogy(
  vectors: KeyedVectors,
  [a, b, c]: readonly [string, string, string],
  method: '3CosAdd' | '3CosMul',
  topN: number,
  log: (line: string) => void,
): void {
  const missing = [a, b, c].filter((w) => !vectors.has(w));
  if (missing.length > 0) {
    log(`${a} : ${b} :: ${c} : ? — not in the vocabulary: ${missing.join(', ')}`);
    return;
  }
  const answers = vectors.analogy(a, b, c, { method, topN });
  log(
    `${a} : ${b} :: ${c} : ${answers.map((n) => `${n.word} (${n.similarity.toFixed(3)})`).join(', ')}   [${method}]`,
  );
}
