import { ValueError } from '../errors.js';
import { runtime } from '../runtime/runtime.js';

/**
 * Key of an optional method listing the disposables an object owns (e.g. a differentiable
 * Tensor owns its NDArray), so a scope that keeps the object keeps those too.
 */
export const OWNED_DISPOSABLES: unique symbol = Symbol.for('mlblocks.ownedDisposables');

/** Anything whose memory a scope can release. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  [OWNED_DISPOSABLES]?(): Iterable<Disposable>;
}

// NOTE: shared by every copy of this package, so a tidy of one copy frees arrays made by another
const { scopes, kept } = runtime;

/**
 * Records a newly created disposable in the innermost active `tidy` scope (no-op outside
 * scopes). Libraries that wrap arrays in their own objects (autograd tensors) call it too.
 */
export function trackInScope(item: Disposable): void {
  scopes[scopes.length - 1]?.add(item);
}

/**
 * Marks an array so that no enclosing `tidy` disposes it (e.g. model weights created inside one).
 * Returns its argument.
 */
export function keep<T extends Disposable>(item: T): T {
  kept.add(item);
  return item;
}

/**
 * Runs `fn` and disposes every array created inside it, except those it returns (found in
 * arrays, plain objects and Maps) and those marked with `keep`. Returned arrays move to the
 * enclosing scope. `fn` must be synchronous: GPU work is enqueued synchronously anyway, and only
 * readback (`await a.data()`) is async — do that outside the scope.
 *
 * @example
 * const y = tidy(() => x.mul(2).add(1).relu()); // the two intermediates are freed
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T | undefined;
  try {
    result = fn();
  } finally {
    scopes.pop();
    const returned = new Set<Disposable>();
    collectDisposables(result, returned, 0);
    for (const item of scope) {
      if (returned.has(item) || kept.has(item)) trackInScope(item);
      else if (!item.isDisposed) item.dispose();
    }
  }
  if (result instanceof Promise) {
    throw new ValueError(
      'tidy',
      'the function returned a Promise; scopes must be synchronous (await readbacks outside tidy)',
    );
  }
  return result;
}

/** Disposes every array found in `value` (an array, a plain object, a Map, or one array). */
export function dispose(value: unknown): void {
  const found = new Set<Disposable>();
  collectDisposables(value, found, 0);
  for (const item of found) if (!item.isDisposed) item.dispose();
}

function isDisposable(value: unknown): value is Disposable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Disposable).dispose === 'function' &&
    'isDisposed' in value
  );
}

function collectDisposables(value: unknown, out: Set<Disposable>, depth: number): void {
  if (depth > 8 || typeof value !== 'object' || value === null) return;
  if (isDisposable(value)) {
    if (out.has(value)) return;
    out.add(value);
    for (const owned of value[OWNED_DISPOSABLES]?.() ?? []) collectDisposables(owned, out, depth + 1);
  }
  if (Array.isArray(value)) for (const v of value) collectDisposables(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collectDisposables(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectDisposables(v, out, depth + 1);
  }
}
