/**
 * The workloads every backend runs, defined once so mlblocks and TF.js do the same work.
 * Each runner reports throughput: GFLOP/s for matmul, samples per second for training steps.
 */
export interface Runner {
  /** Row label, e.g. `mlblocks wasm 1 thread`. */
  readonly name: string;
  /** GFLOP/s of an n×n · n×n float32 product, or null when skipped (too slow to be worth it). */
  matmul(n: number): Promise<number | null>;
  /** Samples per second of one MLP training step (see {@link MLP}). */
  mlp(): Promise<number>;
  /** Samples per second of one CNN training step (see {@link CNN}). */
  cnn(): Promise<number>;
}

/**
 * One forward + backward + SGD step of a 784-256-10 ReLU MLP with softmax cross-entropy, each
 * layer as its library's fused dense op (autograd's `linear`, TF.js's `tf.fused.matMul`).
 */
export const MLP = { batch: 128, inputs: 784, hidden: 256, classes: 10, lr: 0.1 } as const;

/**
 * One forward + backward + SGD step of a small MNIST CNN: 3×3 conv 1→32, ReLU, 3×3 conv 32→64,
 * ReLU (both stride 1, no padding: 28 → 26 → 24), 2×2 max pool (→ 12), flatten (9,216), linear
 * → 10, softmax cross-entropy. Batch 64 of 28×28 images.
 */
export const CNN = {
  batch: 64,
  size: 28,
  channels: [1, 32, 64] as const,
  kernel: 3,
  pool: 2,
  classes: 10,
  lr: 0.01,
  /** Features after the pool: 64 × 12 × 12. */
  flat: 64 * 12 * 12,
} as const;

/** Largest n a slow backend runs the matmul at (seconds per product beyond). */
export const SLOW_MATMUL_MAX = 1024;
