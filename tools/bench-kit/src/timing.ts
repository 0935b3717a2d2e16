/**
 * Seconds per call of an async step, the fastest of its samples: one warm-up call (V8 tiers up,
 * pipelines compile, pools fill), a second one for steps under a second, then samples for about
 * `budget` seconds — at least `minReps`, at most 50. The fastest, not the median: on a machine
 * shared with other jobs (these benches' usual home) noise only ever slows a sample down, and
 * bursts of it last long enough to move a median by 20%; every row is measured the same way.
 * A step slower than `slow` seconds (TF.js's CPU backend training a CNN: about two minutes) is
 * timed by its warm-up call alone, so one peer does not stretch the run by many minutes; its
 * first-call overhead is a rounding error at that scale.
 */
export async function timeStep(
  step: () => Promise<void>,
  budget = 1.5,
  minReps = 3,
  slow = 10,
): Promise<number> {
  const w0 = performance.now();
  await step();
  const first = (performance.now() - w0) / 1000;
  if (first > slow) return first;
  if (first < 1) await step();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minReps || (performance.now() - start) / 1000 < budget) {
    const t0 = performance.now();
    await step();
    samples.push((performance.now() - t0) / 1000);
    if (samples.length >= 50) break;
  }
  return Math.min(...samples);
}

/**
 * How many back-to-back calls fill about 0.2 s, from the time of one after a warm-up call: fast
 * products are timed in batches so that the one readback that synchronises is amortised.
 */
export async function repsFor(once: () => Promise<void>): Promise<number> {
  await once();
  const t0 = performance.now();
  await once();
  const seconds = (performance.now() - t0) / 1000;
  return Math.min(200, Math.max(1, Math.round(0.2 / seconds)));
}

/** What {@link matmulGflops} needs of an array type: read back (which waits for the work) and free. */
export interface Product {
  data(): Promise<unknown>;
  dispose(): void;
}

/**
 * GFLOP/s of an n×n · n×n product made by `multiply`: batches of back-to-back products (about
 * 0.2 s each), each batch ended by one readback, so GPU backends are timed to completion.
 */
export async function matmulGflops(n: number, multiply: () => Product): Promise<number> {
  const reps = await repsFor(async () => {
    const c = multiply();
    await c.data();
    c.dispose();
  });
  const seconds = await timeStep(async () => {
    let last: Product | null = null;
    for (let i = 0; i < reps; i++) {
      last?.dispose();
      last = multiply();
    }
    await last!.data();
    last!.dispose();
  });
  return (2 * n ** 3 * reps) / seconds / 1e9;
}
