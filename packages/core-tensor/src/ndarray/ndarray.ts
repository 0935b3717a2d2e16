import type { Backend, Storage, StridedView } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { canCastLosslessly, checkScalarFits, type DType, type TypedArray } from '../dtype.js';
import { BackendError, DisposedError, DTypeError } from '../errors.js';
import { type Disposable, tidy, trackInScope } from '../memory/scope.js';
import { contiguousStrides, isContiguous, sizeOf } from '../shape/shape.js';
import * as ew from './elementwise.js';
import { formatArray } from './format.js';
import * as ix from './indexing.js';
import { split } from './join.js';
import { matmul } from './linalg.js';
import { type NestedArray, toNested } from './nested.js';
import * as red from './reduce.js';
import { arrayCounter, SharedStorage } from './shared-storage.js';
import * as views from './views.js';

const NDARRAY_BRAND = Symbol.for('mlblocks.core-tensor.NDArray');

/**
 * True when `value` is an NDArray made by any copy of `@mlblocks/core-tensor` in this process
 * (`instanceof NDArray` gives the same answer).
 *
 * @example
 * isNDArray(zeros([2])); // true
 * isNDArray([1, 2]); // false
 */
export function isNDArray(value: unknown): value is NDArray {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[NDARRAY_BRAND] === true
  );
}

/** An operand of a binary op: an array, or a JS number that takes the other operand's dtype. */
export type Operand = NDArray | number;
/** One axis, several axes, or (undefined) all axes. */
export type Axes = number | readonly number[] | undefined;

/**
 * An n-dimensional array: a handle to backend storage plus shape, strides, offset and dtype.
 * Views (reshape, permute, slice, expand, …) share the storage and cost O(1). Arrays are
 * immutable from the public API; every op returns a new array.
 *
 * Memory: call `dispose()` (or create arrays inside `tidy`) to release storage; on the CPU
 * garbage collection also reclaims it, but the same code then runs leak-free on a GPU.
 *
 * @example
 * const x = fromArray([[1, 2], [3, 4]]);
 * const y = x.matmul(x.transpose()).add(1);
 * console.log(y.toString());
 */
export class NDArray implements Disposable {
  /**
   * Brand test instead of prototype identity, so `x instanceof NDArray` also holds for arrays made
   * by another copy of this package (a duplicate install, or the CJS build next to the ESM one).
   */
  static [Symbol.hasInstance](value: unknown): value is NDArray {
    return isNDArray(value);
  }

  /** Size of each axis. */
  readonly shape: readonly number[];
  /** Elements to step along each axis in the storage (0 for broadcast axes). */
  readonly strides: readonly number[];
  /** Storage index of the first element. */
  readonly offset: number;
  /** Element type. */
  readonly dtype: DType;
  /** The backend that owns the storage. */
  readonly backend: Backend;
  private shared: SharedStorage | null;

  /** @internal Use the creation functions (`zeros`, `fromArray`, …) instead. */
  constructor(
    shared: SharedStorage,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    dtype: DType,
  ) {
    this.shared = shared;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
    this.offset = offset;
    this.dtype = dtype;
    this.backend = shared.storage.backend;
    shared.acquire();
    arrayCounter.created();
    trackInScope(this);
  }

  /** @internal Wraps a fresh contiguous storage returned by a backend primitive. */
  static fromStorage(storage: Storage, shape: readonly number[], dtype: DType): NDArray {
    return new NDArray(new SharedStorage(storage), shape, contiguousStrides(shape), 0, dtype);
  }

  /** @internal A view sharing this array's storage; `op` names the caller if this array was disposed. */
  viewAs(shape: readonly number[], strides: readonly number[], offset: number, op = 'view'): NDArray {
    return new NDArray(this.sharedStorage(op), shape, strides, offset, this.dtype);
  }

  /** @internal Throws a DisposedError naming `op` if this array was disposed. */
  checkLive(op: string): void {
    this.sharedStorage(op);
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** True when the elements are laid out row-major with no gaps. */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /**
   * How many in-place writes (`assign`) the underlying storage has seen. Autograd compares it
   * with the value at save time to refuse gradients computed from overwritten data.
   */
  get version(): number {
    return this.sharedStorage('version').version;
  }

  /**
   * Writes `value` (broadcast to this shape, cast to this dtype) into this array's elements,
   * in place — through a view, into the storage it shares. The one mutating op: optimizers and
   * initializers use it. Every other view of the storage sees the change, and its version bumps.
   */
  assign(value: NDArray | number): this {
    const shared = this.sharedStorage('assign');
    tidy(() => {
      const src = value instanceof NDArray ? value : this.scalar('assign', value);
      if (src.backend !== this.backend) {
        throw new BackendError(
          'assign',
          `value lives on '${src.backend.name}' but the target on '${this.backend.name}'`,
        );
      }
      if (!canCastLosslessly(src.dtype, this.dtype)) {
        throw new DTypeError(
          'assign',
          `cannot store ${src.dtype} values into a ${this.dtype} array without loss; cast the value first`,
        );
      }
      const converted = ew.cast(src, this.dtype);
      this.backend.assign(this.view('assign'), ew.broadcastView('assign', converted, this.shape));
    });
    shared.version++;
    return this;
  }

  /**
   * `value` as a 0-d array of this dtype on this array's own backend — not the registry's under
   * its name, which may have been replaced — for ops to broadcast.
   */
  private scalar(op: string, value: number): NDArray {
    checkScalarFits(op, value, this.dtype);
    return NDArray.fromStorage(this.backend.fill(this.dtype, 1, value), [], this.dtype);
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.shared === null;
  }

  /**
   * True when this handle is the only array or view on its storage and covers all of it,
   * contiguously from element 0: whoever holds it can hand it on (`ref()`, then dispose this
   * handle) where it would otherwise copy, since nothing else can read or write those elements.
   */
  get ownsStorage(): boolean {
    const shared = this.shared;
    return (
      shared !== null &&
      shared.refCount === 1 &&
      this.offset === 0 &&
      this.isContiguous &&
      shared.storage.size === this.size
    );
  }

  /** @internal The strided view handed to backend primitives; throws if disposed. */
  view(op: string): StridedView {
    return {
      storage: this.sharedStorage(op).storage,
      shape: this.shape,
      strides: this.strides,
      offset: this.offset,
    };
  }

  /** Releases this array's hold on its storage. Safe to call twice. */
  dispose(): void {
    if (this.shared === null) return;
    this.shared.release();
    this.shared = null;
    arrayCounter.disposed();
  }

  // ── readback ─────────────────────────────────────────────────────────────────────────────
  /** The elements in row-major order, copied to the host (bool as 0/1 in a Uint8Array). */
  async data(): Promise<TypedArray> {
    return this.withDenseStorage('data', (storage) => this.backend.read(storage));
  }

  /** Synchronous `data()`, for backends that can read back without stalling (CPU, wasm). */
  dataSync(): TypedArray {
    const readSync = this.backend.readSync;
    if (!readSync) {
      throw new BackendError(
        'dataSync',
        `backend '${this.backend.name}' reads back asynchronously; use await a.data()`,
      );
    }
    return this.withDenseStorage('dataSync', (storage) => readSync.call(this.backend, storage));
  }

  /** The elements as nested JS arrays (booleans for bool). */
  async toArray(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  /** Synchronous `toArray()`, where the backend allows it. */
  toArraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /** The single element of a one-element array, synchronously (CPU, wasm). */
  item(): number {
    views.assertSingleElement('item', this);
    return this.dataSync()[0]!;
  }

  /** The single element of a one-element array, on any backend. */
  async itemAsync(): Promise<number> {
    views.assertSingleElement('itemAsync', this);
    return (await this.data())[0]!;
  }

  /** Prints like NumPy/PyTorch: values (summarised when large), shape, dtype and backend. */
  toString(): string {
    return formatArray(this);
  }

  // ── moving and copying ───────────────────────────────────────────────────────────────────
  /**
   * This array on another backend. Synchronous when the source backend can read synchronously
   * (CPU, wasm → anywhere); from a GPU use `await a.toAsync(name)`.
   */
  to(backend: string): NDArray {
    this.checkLive('to');
    const target = getBackend(backend);
    if (target === this.backend) return views.contiguous(this);
    return NDArray.fromStorage(target.upload(this.dtype, this.dataSync()), this.shape, this.dtype);
  }

  /** This array on another backend, reading back asynchronously when needed. */
  async toAsync(backend: string): Promise<NDArray> {
    this.checkLive('toAsync');
    const target = getBackend(backend);
    if (target === this.backend) return views.contiguous(this);
    return NDArray.fromStorage(target.upload(this.dtype, await this.data()), this.shape, this.dtype);
  }

  /**
   * Another handle on the same elements (an O(1) view), for a second owner that disposes
   * independently — e.g. autograd keeping an input for the backward pass.
   */
  ref(): NDArray {
    return this.viewAs(this.shape, this.strides, this.offset, 'ref');
  }

  /** A contiguous copy with its own storage. */
  clone(): NDArray {
    return NDArray.fromStorage(this.backend.copy(this.view('clone'), this.dtype), this.shape, this.dtype);
  }

  /** The same values converted to `dtype` (float → int truncates toward zero; bool is `x ≠ 0`). */
  cast(dtype: DType): NDArray {
    return ew.cast(this, dtype);
  }

  // ── views (O(1), no copy) ────────────────────────────────────────────────────────────────
  /** Same elements, new shape; one axis may be -1. Copies only when the view's strides make it impossible. */
  reshape(...shape: number[] | [readonly number[]]): NDArray {
    return views.reshape(
      this,
      shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : (shape as number[]),
    );
  }
  /** Reorders axes: `permute(1, 0)` transposes a matrix. */
  permute(...axes: number[]): NDArray {
    return views.permute(this, axes);
  }
  /** Swaps two axes (the last two by default). */
  transpose(axis0 = -2, axis1 = -1): NDArray {
    return views.transpose(this, axis0, axis1);
  }
  /** Basic slicing, one spec per leading axis: an index, `null` (all), or `[start, stop, step]` (negatives count from the end). */
  slice(...specs: views.SliceSpec[]): NDArray {
    return views.slice(this, specs);
  }
  /** Broadcasts size-1 axes (and new leading axes) to `shape` with stride 0; -1 keeps a size. */
  expand(...shape: number[] | [readonly number[]]): NDArray {
    return views.expand(this, shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : (shape as number[]));
  }
  /** NumPy's `broadcast_to`: a read-only view with the given shape. */
  broadcastTo(shape: readonly number[]): NDArray {
    return views.expand(this, shape);
  }
  /** Removes size-1 axes (all of them, or the given ones). */
  squeeze(axis?: Axes): NDArray {
    return views.squeeze(this, axis);
  }
  /** Inserts a size-1 axis at `axis`. */
  unsqueeze(axis: number): NDArray {
    return views.unsqueeze(this, axis);
  }
  /** Merges axes `startAxis..endAxis` into one (all axes by default). */
  flatten(startAxis = 0, endAxis = -1): NDArray {
    return views.flatten(this, startAxis, endAxis);
  }
  /** This array if already contiguous (a new reference), else a contiguous copy. */
  contiguous(): NDArray {
    return views.contiguous(this);
  }

  // ── element-wise ─────────────────────────────────────────────────────────────────────────
  add(other: Operand): NDArray {
    return ew.binary('add', this, other);
  }
  sub(other: Operand): NDArray {
    return ew.binary('sub', this, other);
  }
  mul(other: Operand): NDArray {
    return ew.binary('mul', this, other);
  }
  /** True division; integer operands give float32 (uint8/bool) or need a cast (int32). */
  div(other: Operand): NDArray {
    return ew.binary('div', this, other);
  }
  pow(exponent: Operand): NDArray {
    return ew.binary('pow', this, exponent);
  }
  maximum(other: Operand): NDArray {
    return ew.binary('maximum', this, other);
  }
  minimum(other: Operand): NDArray {
    return ew.binary('minimum', this, other);
  }
  eq(other: Operand): NDArray {
    return ew.binary('eq', this, other);
  }
  ne(other: Operand): NDArray {
    return ew.binary('ne', this, other);
  }
  lt(other: Operand): NDArray {
    return ew.binary('lt', this, other);
  }
  le(other: Operand): NDArray {
    return ew.binary('le', this, other);
  }
  gt(other: Operand): NDArray {
    return ew.binary('gt', this, other);
  }
  ge(other: Operand): NDArray {
    return ew.binary('ge', this, other);
  }
  logicalAnd(other: Operand): NDArray {
    return ew.binary('and', this, other);
  }
  logicalOr(other: Operand): NDArray {
    return ew.binary('or', this, other);
  }
  logicalNot(): NDArray {
    return ew.unary('not', this);
  }
  neg(): NDArray {
    return ew.unary('neg', this);
  }
  abs(): NDArray {
    return ew.unary('abs', this);
  }
  sign(): NDArray {
    return ew.unary('sign', this);
  }
  exp(): NDArray {
    return ew.unary('exp', this);
  }
  log(): NDArray {
    return ew.unary('log', this);
  }
  sqrt(): NDArray {
    return ew.unary('sqrt', this);
  }
  square(): NDArray {
    return ew.unary('square', this);
  }
  reciprocal(): NDArray {
    return ew.unary('reciprocal', this);
  }
  tanh(): NDArray {
    return ew.unary('tanh', this);
  }
  sigmoid(): NDArray {
    return ew.unary('sigmoid', this);
  }
  relu(): NDArray {
    return ew.unary('relu', this);
  }
  /** The error function, `2/√π ∫₀ˣ e^(−t²) dt` (used by the exact GELU). */
  erf(): NDArray {
    return ew.unary('erf', this);
  }
  floor(): NDArray {
    return ew.unary('floor', this);
  }
  ceil(): NDArray {
    return ew.unary('ceil', this);
  }
  /** Rounds half to even, like NumPy and PyTorch. */
  round(): NDArray {
    return ew.unary('round', this);
  }
  sin(): NDArray {
    return ew.unary('sin', this);
  }
  cos(): NDArray {
    return ew.unary('cos', this);
  }
  /** Limits values to `[min, max]` (either bound may be omitted with `undefined`). */
  clip(min?: Operand, max?: Operand): NDArray {
    return ew.clip(this, min, max);
  }

  // ── reductions ───────────────────────────────────────────────────────────────────────────
  sum(axis?: Axes, keepdims = false): NDArray {
    return red.reduce('sum', this, axis, keepdims);
  }
  prod(axis?: Axes, keepdims = false): NDArray {
    return red.reduce('prod', this, axis, keepdims);
  }
  mean(axis?: Axes, keepdims = false): NDArray {
    return red.mean(this, axis, keepdims);
  }
  max(axis?: Axes, keepdims = false): NDArray {
    return red.reduce('max', this, axis, keepdims);
  }
  min(axis?: Axes, keepdims = false): NDArray {
    return red.reduce('min', this, axis, keepdims);
  }
  /** Index of the first maximum along `axis` (of the flattened array when omitted); int32. */
  argmax(axis?: number, keepdims = false): NDArray {
    return red.argReduce('argmax', this, axis, keepdims);
  }
  /** Index of the first minimum along `axis` (of the flattened array when omitted); int32. */
  argmin(axis?: number, keepdims = false): NDArray {
    return red.argReduce('argmin', this, axis, keepdims);
  }
  /** Variance; `correction` 0 (the default) divides by N, 1 by N − 1 (Bessel). */
  var(axis?: Axes, keepdims = false, correction = 0): NDArray {
    return red.variance(this, axis, keepdims, correction);
  }
  /** Standard deviation, `sqrt(var(...))`. */
  std(axis?: Axes, keepdims = false, correction = 0): NDArray {
    return red.std(this, axis, keepdims, correction);
  }
  /** `log(Σ exp(x))`, computed stably as `m + log(Σ exp(x − m))` with `m` the max. */
  logsumexp(axis?: Axes, keepdims = false): NDArray {
    return red.logsumexp(this, axis, keepdims);
  }
  /** Softmax along `axis` (last by default), stable for large logits. */
  softmax(axis = -1): NDArray {
    return red.softmax(this, axis, false);
  }
  /** Log-softmax along `axis` (last by default), stable for large logits. */
  logSoftmax(axis = -1): NDArray {
    return red.softmax(this, axis, true);
  }

  // ── linear algebra, joining, indexing ────────────────────────────────────────────────────
  /** Matrix product with NumPy semantics: batched, broadcast batch axes, 1-D operands promoted. */
  matmul(other: NDArray): NDArray {
    return matmul(this, other);
  }
  /** Splits into views along `axis`: into `sections` equal parts, or parts of the given sizes. */
  split(sizesOrSections: number | readonly number[], axis = 0): NDArray[] {
    return split(this, sizesOrSections, axis);
  }
  /** Picks entries along `axis` by an int32 array of indices (any shape; output inserts it in place of `axis`). */
  indexSelect(axis: number, indices: NDArray | readonly number[]): NDArray {
    return ix.indexSelect(this, axis, indices);
  }
  /** PyTorch's `gather`: `out[i][j] = x[index[i][j]][j]` for axis 0 (index has this array's rank). */
  gather(axis: number, index: NDArray): NDArray {
    return ix.gather(this, axis, index);
  }
  /** This array plus `src` slices added at `indices` along `axis` (repeats accumulate): indexSelect's adjoint. */
  indexAdd(axis: number, indices: NDArray | readonly number[], src: NDArray): NDArray {
    return ix.indexAdd(this, axis, indices, src);
  }
  /** PyTorch's `scatter_add`: this array plus each `src[i][j]` added at `[index[i][j]][j]` (axis 0). */
  scatterAdd(axis: number, index: NDArray, src: NDArray): NDArray {
    return ix.scatterAdd(this, axis, index, src);
  }

  private sharedStorage(op: string): SharedStorage {
    if (this.shared === null) {
      throw new DisposedError(
        op,
        `array of shape [${this.shape.join(',')}] (${this.dtype}) was already disposed`,
      );
    }
    return this.shared;
  }

  // Runs `read` on a storage holding exactly this array's elements in order (a temporary copy for views).
  // NOTE: the copy is a bare backend storage, freed after an async read resolves: no NDArray, so no tidy.
  private withDenseStorage<T>(op: string, read: (s: Storage) => T): T {
    const view = this.view(op);
    if (this.offset === 0 && this.isContiguous && view.storage.size === this.size) return read(view.storage);
    const dense = this.backend.copy(view, this.dtype);
    let freeNow = true;
    try {
      const result = read(dense);
      if (result instanceof Promise) {
        freeNow = false;
        return result.finally(() => this.backend.free(dense)) as T;
      }
      return result;
    } finally {
      if (freeNow) this.backend.free(dense);
    }
  }
}

// NOTE: the brand sits on the prototype (not an own field): free per instance, and unchanged
// when RUNTIME_PROTOCOL is — arrays of compatible copies are interchangeable
Object.defineProperty(NDArray.prototype, NDARRAY_BRAND, { value: true });
