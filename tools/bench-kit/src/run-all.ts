import type { Runner } from './workloads/spec.js';

/** What a bench measures: matmul at some sizes, and which training steps. */
export interface Plan {
  sizes: readonly number[];
  mlp: boolean;
  cnn: boolean;
}

/** One row of results: throughputs in column order, null where a workload did not run. */
export type Results = Map<string, (number | null)[]>;

/** Column heads for a plan, in the order {@link runAll} fills the rows. */
export function columnsOf(plan: Plan): { head: string; gflops: boolean }[] {
  return [
    ...plan.sizes.map((n) => ({ head: `matmul ${n} GFLOP/s`, gflops: true })),
    ...(plan.mlp ? [{ head: 'MLP samples/s', gflops: false }] : []),
    ...(plan.cnn ? [{ head: 'CNN samples/s', gflops: false }] : []),
  ];
}

/**
 * Runs every runner through the plan, one after another (never in parallel: they share the
 * cores). A workload that fails (a missing kernel: TF.js wasm cannot train convolutions) leaves
 * a gap and a one-line reason; the rest still run.
 */
export async function runAll(runners: readonly Runner[], plan: Plan, log = console.log): Promise<Results> {
  const results: Results = new Map();
  for (const runner of runners) {
    const row: (number | null)[] = [];
    const attempt = async (what: string, run: () => Promise<number | null>) => {
      try {
        row.push(await run());
      } catch (error) {
        log(`${runner.name}: ${what} not run (${(error as Error).message.split('\n')[0]})`);
        row.push(null);
      }
    };
    for (const n of plan.sizes) await attempt(`matmul ${n}`, () => runner.matmul(n));
    if (plan.mlp) await attempt('MLP step', () => runner.mlp());
    if (plan.cnn) await attempt('CNN step', () => runner.cnn());
    results.set(runner.name, row);
  }
  return results;
}
