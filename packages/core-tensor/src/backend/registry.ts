import { CpuBackend } from '../cpu/cpu-backend.js';
import { BackendError } from '../errors.js';
import { runtime } from '../runtime/runtime.js';
import type { Backend } from './backend.js';

type Factory = () => Backend;

// NOTE: the maps live in the process-wide runtime, so every copy of this package (duplicates,
// ESM/CJS twins) sees the same backends. The CPU reference backend is always there (the first
// copy loaded provides it); others register themselves by name.
const { factories, instances } = runtime;
if (!factories.has('cpu')) factories.set('cpu', () => new CpuBackend('cpu'));

/**
 * Registers a backend under `name`. Pass an instance, or a factory that is called lazily on first use.
 * Registering an existing name replaces it (the old instance is disposed).
 *
 * @example
 * registerBackend('webgpu', await createWebGPUBackend());
 */
export function registerBackend(name: string, backend: Backend | Factory): void {
  instances.get(name)?.dispose?.();
  instances.delete(name);
  factories.set(name, typeof backend === 'function' ? backend : () => backend);
}

/** Removes a backend from the registry and disposes it. */
export function removeBackend(name: string): void {
  instances.get(name)?.dispose?.();
  instances.delete(name);
  factories.delete(name);
  if (name === 'cpu') factories.set('cpu', () => new CpuBackend('cpu'));
  if (runtime.defaultBackend === name) runtime.defaultBackend = 'cpu';
}

/** The backend registered under `name` (created on first use). */
export function getBackend(name: string = runtime.defaultBackend): Backend {
  let backend = instances.get(name);
  if (backend) return backend;
  const factory = factories.get(name);
  if (!factory) {
    throw new BackendError(
      'getBackend',
      `no backend named '${name}'; registered: ${listBackends().join(', ') || 'none'}` +
        (name === 'webgpu' ? ' (install @mlblocks/kernels-webgpu and register it)' : ''),
    );
  }
  backend = factory();
  instances.set(name, backend);
  return backend;
}

/** Names of all registered backends. */
export function listBackends(): string[] {
  return [...factories.keys()];
}

/** Backends that have been created (used) so far, by name. */
export function activeBackends(): ReadonlyMap<string, Backend> {
  return instances;
}

/** Makes `name` the backend that creation functions use when no `backend` option is given. */
export function setDefaultBackend(name: string): void {
  getBackend(name); // throws if unknown
  runtime.defaultBackend = name;
}

/** The name of the current default backend (`'cpu'` unless changed). */
export function getDefaultBackend(): string {
  return runtime.defaultBackend;
}
