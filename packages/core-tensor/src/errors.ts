/**
 * Typed errors. Every message starts with the op that failed and names the operands,
 * e.g. `matmul: shapes [3,4] and [5,2] are not aligned (4 ≠ 5)`, so a user can fix the call
 * without reading our source.
 */

const ERROR_BRAND = Symbol.for('mlblocks.error');

/** Base class of every error thrown by mlblocks. `op` names the operation that failed. */
export class MlBlocksError extends Error {
  /**
   * `instanceof` also matches errors thrown by another copy of the package that defines the class
   * (a duplicate install, or the CJS build next to the ESM one): same class name in the chain.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class tested (ShapeError, …), not MlBlocksError
    return isErrorOf(this, value);
  }

  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
  }
}

// Same prototype chain, or (another copy's error) a class of the same name in its chain.
function isErrorOf(cls: abstract new (...args: never[]) => unknown, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(cls, value)) return true;
  if (typeof value !== 'object' || value === null || !(ERROR_BRAND in value)) return false;
  for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, 'constructor') && p.constructor.name === cls.name) return true;
  }
  return false;
}

/** Shapes that do not fit the op: broadcasting, matmul alignment, reshape sizes, concat. */
export class ShapeError extends MlBlocksError {}

/** A dtype the op does not accept, or a mix of dtypes that would lose information without a cast. */
export class DTypeError extends MlBlocksError {}

/** An axis or index out of range for the array's rank or size. */
export class IndexError extends MlBlocksError {}

/** Operands living on different backends, an unknown backend, or a capability a backend lacks. */
export class BackendError extends MlBlocksError {}

/** Use of an array after `dispose()` (or after its `tidy` scope ended). */
export class DisposedError extends MlBlocksError {}

/** An argument with an invalid value (a negative size, a non-finite step, a bad option). */
export class ValueError extends MlBlocksError {}

/** Formats a shape the way error messages print it: `[3,4]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

Object.defineProperty(MlBlocksError.prototype, ERROR_BRAND, { value: true });
