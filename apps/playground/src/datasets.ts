import { Generator } from '@mlblocks/core-tensor';

/** The 2-D datasets of the playground (as in the TensorFlow Playground). */
export type DatasetName = 'circle' | 'xor' | 'gaussians' | 'spiral';
export const DATASETS: readonly DatasetName[] = ['circle', 'xor', 'gaussians', 'spiral'];

/** Points in [−6, 6]² with labels 0 or 1. */
export interface Points {
  x: Float32Array; // [n, 2] row-major
  y: Int32Array; // [n]
}

export interface Split {
  train: Points;
  test: Points;
}

/** Options of `makeDataset`. */
export interface DatasetOptions {
  /** Number of points in all (train + test). */
  count: number;
  /** 0 … 1: how far points stray from their class's shape. */
  noise: number;
  /** Fraction of the points used for training (the rest is the test set). */
  trainFraction: number;
  seed: number;
}

/**
 * Draws a labelled 2-D dataset with `noise`, shuffled and split into train and test, from a seeded
 * core-tensor `Generator` (the same options always give the same points).
 */
export function makeDataset(name: DatasetName, options: DatasetOptions): Split {
  const g = new Generator(options.seed);
  const { count, noise } = options;
  const xs = new Float32Array(count * 2);
  const ys = new Int32Array(count);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * g.nextFloat();
  for (let i = 0; i < count; i++) {
    let a = 0;
    let b = 0;
    let label = 0;
    if (name === 'circle') {
      // inside radius 2.5: class 1; a ring from 3.5 to 5: class 0
      label = i % 2;
      const r = label === 1 ? uniform(0, 2.5) : uniform(3.5, 5);
      const angle = uniform(0, 2 * Math.PI);
      a = r * Math.sin(angle) + noise * 2 * g.nextNormal();
      b = r * Math.cos(angle) + noise * 2 * g.nextNormal();
    } else if (name === 'xor') {
      const pad = 0.3;
      const u = uniform(-5, 5);
      const v = uniform(-5, 5);
      a = u + (u > 0 ? pad : -pad) + noise * 2 * g.nextNormal();
      b = v + (v > 0 ? pad : -pad) + noise * 2 * g.nextNormal();
      label = u * v >= 0 ? 1 : 0;
    } else if (name === 'gaussians') {
      label = i % 2;
      const center = label === 1 ? 2 : -2;
      const spread = 0.5 + noise * 3;
      a = center + spread * g.nextNormal();
      b = center + spread * g.nextNormal();
    } else {
      // two interleaved arms of a spiral
      label = i % 2;
      const t = (Math.floor(i / 2) / (count / 2)) * 1.75 * 2 * Math.PI;
      const r = (Math.floor(i / 2) / (count / 2)) * 5;
      const phase = label === 1 ? Math.PI : 0;
      a = r * Math.sin(t + phase) + noise * g.nextNormal();
      b = r * Math.cos(t + phase) + noise * g.nextNormal();
    }
    xs[2 * i] = a;
    xs[2 * i + 1] = b;
    ys[i] = label;
  }
  // shuffle, then split
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = g.nextInt(0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const nTrain = Math.round(count * options.trainFraction);
  const take = (indices: number[]): Points => ({
    x: Float32Array.from(indices.flatMap((i) => [xs[2 * i]!, xs[2 * i + 1]!])),
    y: Int32Array.from(indices.map((i) => ys[i]!)),
  });
  return { train: take(order.slice(0, nTrain)), test: take(order.slice(nTrain)) };
}
