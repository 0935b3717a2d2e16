/**
 * Typed errors. Every message starts with the op that failed and names the operands,
 * e.g. `matmul: shapes [3,4] and [5,2] are not aligned (4 ≠ 5)`, so a user can fix the call
 * without reading our source.
 */

/** Base class of every error thrown by mlblocks. `op` names the operation that failed. */
export class MlBlocksError extends Error {
  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
  }
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
