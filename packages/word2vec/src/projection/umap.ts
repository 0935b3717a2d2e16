import { Generator, ValueError } from '@mlblocks/core-tensor';
import { UMAP } from 'umap-js';
import type { Projection2D } from './pca.js';

/** Options of `umap2d`. */
export interface Umap2dOptions {
  /** Neighbours per point of the k-NN graph (default 15, or fewer for tiny inputs). */
  nNeighbors?: number;
  /** How tightly points may pack (default 0.1). */
  minDist?: number;
  /** Optimization epochs (default: umap-js's choice by size). */
  nEpochs?: number;
  /** Seed of every random draw (default 1): the same input and seed give the same map. */
  seed?: number;
}

/**
 * UMAP to two dimensions (McInnes et al. 2018, through the `umap-js` library of Google PAIR) with
 * cosine distance, the natural one for word vectors. Slower than `pca2d` but keeps neighbourhoods:
 * use it for a few thousand words at most.
 *
 * @example
 * const { points } = umap2d(model.head(2000).vectors, model.dim, { seed: 1 });
 */
export function umap2d(rows: ArrayLike<number>, dim: number, options: Umap2dOptions = {}): Projection2D {
  const n = rows.length / dim;
  if (!(Number.isInteger(n) && n >= 3))
    throw new ValueError('umap2d', `need at least 3 rows of ${dim} values, got ${rows.length} values`);
  const data = Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, c) => rows[i * dim + c]!));
  const generator = new Generator(options.seed ?? 1);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, n - 1),
    minDist: options.minDist ?? 0.1,
    ...(options.nEpochs ? { nEpochs: options.nEpochs } : {}),
    random: () => generator.nextFloat(),
    distanceFn: cosineDistance,
  });
  const embedding = umap.fit(data);
  const points = new Float64Array(2 * n);
  embedding.forEach(([x, y], i) => {
    points[2 * i] = x!;
    points[2 * i + 1] = y!;
  });
  return { points };
}

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? 1 - dot / Math.sqrt(na * nb) : 1;
}
