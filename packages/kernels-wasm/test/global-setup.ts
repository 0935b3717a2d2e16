// Builds the wasm kernels from the AssemblyScript sources before any test imports the package
// (a no-op when they are up to date). Usable as a vitest globalSetup; the test files also call
// it themselves, so `vitest run` works on a fresh clone without it being declared.
import { buildWasm } from '../scripts/build-wasm.js';

export default async function setup(): Promise<void> {
  await buildWasm();
}
