import type { Backend } from '../backend/backend.js';
import { BackendError } from '../errors.js';
import type { Disposable } from '../memory/scope.js';

/**
 * The state that must be one per process, whatever the install: the backend registry, the `tidy`
 * scopes, the live-array counter and the global random generator. It lives on `globalThis` under a
 * `Symbol.for` key, so two copies of this package (a nested duplicate after a version bump, or the
 * ESM and CJS builds loaded side by side) share it instead of each keeping its own — otherwise a
 * backend registered through one copy is missing from the other, and arrays of one copy live on
 * "different backends" from the other's.
 *
 * NOTE: bump RUNTIME_PROTOCOL whenever this object's shape, the Backend/Storage contract or the
 * NDArray brand changes incompatibly; copies with different protocols refuse to share it.
 */
export const RUNTIME_PROTOCOL = 1;

declare const __MLBLOCKS_CORE_TENSOR_VERSION__: string | undefined;

/** This copy's package version (stamped by the build; `'source'` when run from sources). */
export const VERSION: string =
  typeof __MLBLOCKS_CORE_TENSOR_VERSION__ === 'string' ? __MLBLOCKS_CORE_TENSOR_VERSION__ : 'source';

const RUNTIME_KEY = Symbol.for('mlblocks.core-tensor.runtime');

/** @internal The process-wide state shared by every copy of core-tensor. */
export interface Runtime {
  readonly protocol: number;
  /** Version of the copy that created the runtime. */
  readonly version: string;
  /** Versions of every copy that joined it (first one first). */
  readonly copies: string[];
  readonly factories: Map<string, () => Backend>;
  readonly instances: Map<string, Backend>;
  defaultBackend: string;
  readonly scopes: Set<Disposable>[];
  readonly kept: WeakSet<Disposable>;
  liveArrays: number;
  /** The global random generator (`seed()`), typed loosely so the runtime need not import it. */
  generator: unknown;
  /** False when `setFusion(false)` turned the fused kernels off (absent in older copies: on). */
  fusion?: boolean;
}

function createRuntime(): Runtime {
  return {
    protocol: RUNTIME_PROTOCOL,
    version: VERSION,
    copies: [VERSION],
    factories: new Map(),
    instances: new Map(),
    defaultBackend: 'cpu',
    scopes: [],
    kept: new WeakSet(),
    liveArrays: 0,
    generator: undefined,
  };
}

function join(): Runtime {
  const holder = globalThis as { [RUNTIME_KEY]?: Runtime };
  const existing = holder[RUNTIME_KEY];
  if (!existing) {
    const created = createRuntime();
    Object.defineProperty(holder, RUNTIME_KEY, { value: created, enumerable: false });
    return created;
  }
  if (existing.protocol !== RUNTIME_PROTOCOL) {
    throw new BackendError(
      'core-tensor',
      `two incompatible copies of @mlblocks/core-tensor are loaded in one process: ${existing.version} ` +
        `(runtime protocol ${existing.protocol}, loaded first) and ${VERSION} (runtime protocol ${RUNTIME_PROTOCOL}). ` +
        'Packages that exchange NDArrays must share one copy: align the @mlblocks/* versions and run ' +
        '`npm dedupe` (or `pnpm dedupe`); `npm ls @mlblocks/core-tensor` shows which package pulls which copy.',
    );
  }
  existing.copies.push(VERSION);
  return existing;
}

/** @internal The shared runtime (created by the first copy loaded, joined by the others). */
export const runtime: Runtime = join();

/** Which copies of `@mlblocks/core-tensor` share this process's runtime. */
export interface RuntimeInfo {
  /** Runtime protocol (copies must agree on it to share arrays and backends). */
  protocol: number;
  /** Versions of every copy loaded, the first one (which created the runtime) first. */
  copies: readonly string[];
}

/**
 * Which copies of this package are loaded: a diagnostic for duplicate installs. Two entries mean
 * two copies (e.g. the ESM and the CJS build, or a nested duplicate); they share one registry.
 *
 * @example
 * runtimeInfo(); // { protocol: 1, copies: ['0.1.0'] }
 */
export function runtimeInfo(): RuntimeInfo {
  return { protocol: runtime.protocol, copies: [...runtime.copies] };
}
