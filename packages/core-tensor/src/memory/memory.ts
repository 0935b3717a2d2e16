import type { BackendMemory } from '../backend/backend.js';
import { activeBackends, getBackend, getDefaultBackend } from '../backend/registry.js';
import { arrayCounter } from '../ndarray/shared-storage.js';

/** What is alive right now: NDArray handles, and buffers/bytes per backend. */
export interface MemoryInfo {
  /** NDArrays (including views) not yet disposed. */
  ndarrays: number;
  /** Live storage per registered backend that has been used. */
  backends: Record<string, BackendMemory>;
}

/**
 * Live arrays and backend memory, for leak checks.
 *
 * @example
 * const before = memory().ndarrays;
 * tidy(() => x.mul(2).sum());
 * memory().ndarrays === before; // true: the scope freed its intermediates
 */
export function memory(): MemoryInfo {
  getBackend(getDefaultBackend()); // always report the default backend, even before first use
  const backends: Record<string, BackendMemory> = {};
  for (const [name, backend] of activeBackends()) backends[name] = backend.memory();
  return { ndarrays: arrayCounter.live, backends };
}
