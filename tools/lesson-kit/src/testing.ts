/**
 * lesson-kit/testing — what the apps' tests share. Not part of the apps' runtime.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

/**
 * Builds the WebAssembly kernels of `@mlblocks/kernels-wasm` (generated from its AssemblyScript
 * sources and not committed) with the package's own `build:wasm` script, as the apps' `start`
 * scripts do: a no-op when they are up to date, a few seconds on a fresh clone. Call it before a
 * test imports the wasm backend, so that the test runs whatever ran before it; a failed build
 * throws with the script's output.
 */
export async function buildWasmKernels(): Promise<void> {
  const pkg = dirname(createRequire(import.meta.url).resolve('@mlblocks/kernels-wasm/package.json'));
  try {
    await promisify(execFile)('pnpm', ['run', '--silent', 'build:wasm'], { cwd: pkg });
  } catch (error) {
    // the error's message holds the command and its stderr
    const { message, stdout } = error as Error & { stdout?: string };
    throw new Error(`building the wasm kernels in ${pkg} failed: ${message}${stdout ? `\n${stdout}` : ''}`);
  }
}
