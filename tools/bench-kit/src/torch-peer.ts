import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Plan } from './run-all.js';
import { CNN, MLP, type Runner } from './workloads/spec.js';

const PYTHON = '/usr/bin/python3'; // Debian's, where python3-torch installs (not a pyenv python first on PATH)
const SCRIPT = fileURLToPath(new URL('../python/torch_peer.py', import.meta.url));

/**
 * The workloads on PyTorch from Debian's `python3-torch`, one thread, `OMP_WAIT_POLICY=PASSIVE`
 * (spinning OpenMP threads would steal the other core from whoever shares the machine), measured
 * in one Python run for the whole plan. Returns null, with the reason, where Python or PyTorch is
 * absent: the bench then prints no PyTorch row.
 */
export async function torchRunner(plan: Plan): Promise<{ runner: Runner | null; note: string }> {
  if (!existsSync(PYTHON)) return { runner: null, note: 'PyTorch row skipped: no /usr/bin/python3' };
  const spec = { sizes: plan.sizes, mlp: plan.mlp ? MLP : null, cnn: plan.cnn ? CNN : null };
  let result: {
    version: string;
    threads: number;
    matmul: Record<string, number>;
    mlp?: number;
    cnn?: number;
  };
  try {
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, JSON.stringify(spec)], {
      env: { ...process.env, OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' },
      timeout: 600_000,
      maxBuffer: 1 << 20,
    });
    result = JSON.parse(stdout);
  } catch (error) {
    const message =
      (error as Error).message.split('\n').find((l) => /Error/.test(l)) ?? (error as Error).message;
    return {
      runner: null,
      note: `PyTorch row skipped (apt-get install python3-torch to add it): ${message.trim()}`,
    };
  }
  const runner: Runner = {
    name: `pytorch ${result.version} (1 thread)`,
    matmul: async (n) => result.matmul[String(n)] ?? null,
    mlp: async () => result.mlp ?? Number.NaN,
    cnn: async () => result.cnn ?? Number.NaN,
  };
  return { runner, note: `PyTorch ${result.version}, ${result.threads} thread, OMP_WAIT_POLICY=PASSIVE` };
}
