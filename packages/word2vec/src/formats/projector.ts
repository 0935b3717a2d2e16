import { ValueError } from '@mlblocks/core-tensor';
import type { KeyedVectors } from '../model/keyed-vectors.js';
import { formatFloat32 } from './word2vec-format.js';

/** The two files the TensorFlow Embedding Projector (projector.tensorflow.org) loads. */
export interface ProjectorFiles {
  /** `vectors.tsv`: one row of tab-separated values per word, no header. */
  vectors: string;
  /** `metadata.tsv`: one word per line, in the same order (a single column: no header). */
  metadata: string;
}

/**
 * Exports vectors for the Embedding Projector ("Load" → vectors.tsv, then metadata.tsv). Words with
 * a tab or a line break cannot be written (the format has no quoting).
 *
 * @example
 * const { vectors: tsv, metadata } = projectorTsv(model.head(5000));
 */
export function projectorTsv(vectors: KeyedVectors): ProjectorFiles {
  const { dim, words, vectors: data } = vectors;
  const rows: string[] = [];
  const labels: string[] = [];
  for (let w = 0; w < vectors.size; w++) {
    const word = words[w]!;
    if (/[\t\r\n]/.test(word))
      throw new ValueError('projectorTsv', `word ${JSON.stringify(word)} holds a tab or a line break`);
    const row: string[] = [];
    for (let c = 0; c < dim; c++) row.push(formatFloat32(data[w * dim + c]!));
    rows.push(`${row.join('\t')}\n`);
    labels.push(`${word}\n`);
  }
  return { vectors: rows.join(''), metadata: labels.join('') };
}
