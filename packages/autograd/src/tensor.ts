import {
  type Axes,
  checkOptions,
  type Disposable,
  type DType,
  fromArray,
  isIntegral,
  type NDArray,
  type NestedArray,
  type OptionNames,
  OWNED_DISPOSABLES,
  type SliceSpec,
  type TypedArray,
  trackInScope,
  ValueError,
} from '@mlblocks/core-tensor';
import { type BackwardOptions, runBackward } from './engine/backward.js';
import { isGradEnabled } from './engine/grad-mode.js';
import type { Node } from './engine/node.js';
import { AutogradError } from './errors.js';
import * as arith from './ops/arithmetic.js';
import { type CrossEntropyOptions, softmaxCrossEntropy } from './ops/cross-entropy.js';
import { type DropoutOptions, dropout } from './ops/dropout.js';
import * as ix from './ops/indexing.js';
import { split } from './ops/join.js';
import type { TensorLike } from './ops/lift.js';
import { matmul } from './ops/matmul.js';
import * as red from './ops/reduce.js';
import * as sel from './ops/select.js';
import * as shape from './ops/shape.js';
import * as un from './ops/unary.js';

/** Options when creating a tensor. */
export interface TensorOptions {
  /** Record operations on this tensor so `backward()` can compute its gradient. */
  requiresGrad?: boolean;
  /** @internal The op that produced this tensor (set by the engine). */
  gradFn?: Node | null;
}

const TENSOR_BRAND = Symbol.for('mlblocks.autograd.Tensor');

/**
 * True when `value` is a Tensor made by any copy of `@mlblocks/autograd` in this process
 * (`instanceof Tensor` gives the same answer).
 *
 * @example
 * isTensor(tensor([1, 2])); // true
 * isTensor(fromArray([1, 2])); // false: an NDArray
 */
export function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TENSOR_BRAND] === true
  );
}

const TENSOR_OPTIONS: OptionNames<TensorOptions> = { requiresGrad: true, gradFn: true };

/**
 * A differentiable tensor: an `NDArray` plus what autograd needs — whether it requires a
 * gradient, the op that produced it (`gradFn`), and its accumulated gradient (`grad`).
 *
 * @example
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = w.mul(w).sum();
 * loss.backward();
 * w.grad!.toArraySync(); // [[2, 4], [6, 8]]
 */
export class Tensor implements Disposable {
  /**
   * Brand test instead of prototype identity, so `t instanceof Tensor` also holds for tensors made
   * by another copy of this package (a duplicate install, or the CJS build next to the ESM one).
   */
  static [Symbol.hasInstance](value: unknown): value is Tensor {
    return isTensor(value);
  }

  /** The values. */
  readonly array: NDArray;
  /** The op that produced this tensor, or null for a leaf. */
  readonly gradFn: Node | null;
  /** The accumulated gradient (leaves only), or null before the first backward / after zeroGrad. */
  grad: Tensor | null = null;
  private wantsGrad: boolean;
  private disposed = false;

  /** Wraps `array` (the tensor takes ownership of it); prefer the `tensor()` factory. */
  constructor(array: NDArray, options: TensorOptions = {}) {
    checkOptions('Tensor', options, TENSOR_OPTIONS);
    this.array = array;
    this.gradFn = options.gradFn ?? null;
    this.wantsGrad = this.gradFn !== null || (options.requiresGrad ?? false);
    if (this.wantsGrad && isIntegral(array.dtype)) {
      throw new AutogradError(
        'requiresGrad',
        `only floating-point tensors can require gradients, got ${array.dtype}`,
      );
    }
    trackInScope(this);
  }

  /** Whether gradients flow to this tensor. Setting it is allowed on leaves only. */
  get requiresGrad(): boolean {
    return this.wantsGrad;
  }
  set requiresGrad(value: boolean) {
    if (this.gradFn !== null) {
      throw new AutogradError(
        'requiresGrad',
        'can only be changed on leaf tensors; use detach() to cut a tensor from its graph',
      );
    }
    if (value && isIntegral(this.array.dtype)) {
      throw new AutogradError(
        'requiresGrad',
        `only floating-point tensors can require gradients, got ${this.array.dtype}`,
      );
    }
    this.wantsGrad = value;
  }

  /** True for tensors created by the user (not produced by a recorded op). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** Size of each axis. */
  get shape(): readonly number[] {
    return this.array.shape;
  }
  /** Element type. */
  get dtype(): DType {
    return this.array.dtype;
  }
  /** Number of axes. */
  get rank(): number {
    return this.array.rank;
  }
  /** Number of elements. */
  get size(): number {
    return this.array.size;
  }
  // its own flag: a scope may dispose the array before the tensor, and the tensor must still
  // release its graph node then
  /** True once `dispose()` ran (or the enclosing `tidy` scope freed it). */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad, adding
   * it into their `.grad`. Needs a scalar unless `gradient` (same shape) is given. The graph's
   * saved arrays are freed afterwards unless `retainGraph` is set.
   */
  backward(gradient?: NDArray | Tensor, options?: BackwardOptions): void {
    runBackward(this, gradient instanceof Tensor ? gradient.array : gradient, options);
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  /** The same values, cut from the graph (shares storage; never requires grad). */
  detach(): Tensor {
    return new Tensor(this.array.ref());
  }

  /**
   * Overwrites the values in place (for optimizers and initializers). Refused while recording
   * on a leaf that requires grad — wrap updates in `noGrad`. Ops that saved the old values will
   * refuse to backpropagate (version counter).
   */
  assign(value: Tensor | NDArray | number): this {
    if (isGradEnabled() && this.requiresGrad && this.isLeaf) {
      throw new AutogradError(
        'assign',
        'a leaf tensor that requires grad cannot be modified in place while gradients are recorded; use noGrad(() => …)',
      );
    }
    this.array.assign(value instanceof Tensor ? value.array : value);
    return this;
  }

  /** Frees the values, the gradient and the graph node's saved arrays. */
  dispose(): void {
    this.disposed = true;
    this.array.dispose();
    this.gradFn?.release();
    this.zeroGrad();
  }

  /** The arrays this tensor owns (values and gradient), for `tidy` and `keep`. */
  [OWNED_DISPOSABLES](): Disposable[] {
    return this.grad ? [this.array, this.grad] : [this.array];
  }

  // ── readback ─────────────────────────────────────────────────────────────────────────────
  /** The values as a typed array (row-major). */
  data(): Promise<TypedArray> {
    return this.array.data();
  }
  /** The values as a typed array (row-major), read synchronously (CPU and wasm backends). */
  dataSync(): TypedArray {
    return this.array.dataSync();
  }
  /** The values as nested JS arrays. */
  toArray(): Promise<NestedArray> {
    return this.array.toArray();
  }
  /** The values as nested JS arrays, read synchronously (CPU and wasm backends). */
  toArraySync(): NestedArray {
    return this.array.toArraySync();
  }
  /** The single value of a one-element tensor (synchronous backends). */
  item(): number {
    return this.array.item();
  }
  /** The single value of a one-element tensor (any backend). */
  itemAsync(): Promise<number> {
    return this.array.itemAsync();
  }
  /** A readable rendering of the values, with `gradFn` or `requiresGrad`. */
  toString(): string {
    const grad = this.gradFn
      ? `, gradFn=${this.gradFn.name}`
      : this.requiresGrad
        ? ', requiresGrad=true'
        : '';
    return `tensor(${this.array
      .toString()
      .replace(/^array\(/, '')
      .replace(/\)$/, '')}${grad})`;
  }

  // ── differentiable ops ───────────────────────────────────────────────────────────────────
  /** Element-wise `this + other`, broadcasting; `other` may be a Tensor, an NDArray or a number. */
  add(other: TensorLike): Tensor {
    return arith.add(this, other);
  }
  /** Element-wise `this − other`, broadcasting. */
  sub(other: TensorLike): Tensor {
    return arith.sub(this, other);
  }
  /** Element-wise `this · other`, broadcasting. */
  mul(other: TensorLike): Tensor {
    return arith.mul(this, other);
  }
  /** Element-wise `this / other`, broadcasting. */
  div(other: TensorLike): Tensor {
    return arith.div(this, other);
  }
  /** Element-wise `this ^ exponent`, broadcasting. */
  pow(exponent: TensorLike): Tensor {
    return arith.pow(this, exponent);
  }
  /** Element-wise `−this`. */
  neg(): Tensor {
    return arith.neg(this);
  }
  /** Element-wise `e^this`. */
  exp(): Tensor {
    return un.exp(this);
  }
  /** Element-wise natural logarithm. */
  log(): Tensor {
    return un.log(this);
  }
  /** Element-wise square root. */
  sqrt(): Tensor {
    return un.sqrt(this);
  }
  /** Element-wise `this²`. */
  square(): Tensor {
    return un.square(this);
  }
  /** Element-wise absolute value. */
  abs(): Tensor {
    return un.abs(this);
  }
  /** Element-wise hyperbolic tangent. */
  tanh(): Tensor {
    return un.tanh(this);
  }
  /** Element-wise logistic `1 / (1 + e^−x)`. */
  sigmoid(): Tensor {
    return un.sigmoid(this);
  }
  /** Element-wise `max(x, 0)`. */
  relu(): Tensor {
    return un.relu(this);
  }
  /** Element-wise `x` for `x > 0`, else `slope · x`. */
  leakyRelu(slope = 0.01): Tensor {
    return un.leakyRelu(this, slope);
  }
  /** Element-wise GELU, exact (`'none'`) or with PyTorch's tanh approximation. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return un.gelu(this, approximate);
  }
  /** Element-wise maximum with `other`, broadcasting. */
  maximum(other: TensorLike): Tensor {
    return sel.maximum(this, other);
  }
  /** Element-wise minimum with `other`, broadcasting. */
  minimum(other: TensorLike): Tensor {
    return sel.minimum(this, other);
  }
  /** Limits values to `[min, max]`. */
  clip(min?: number, max?: number): Tensor {
    return sel.clip(this, min, max);
  }
  /** Sum over `axis` (all axes when omitted), keeping reduced axes as size 1 with `keepdims`. */
  sum(axis?: Axes, keepdims = false): Tensor {
    return red.sum(this, axis, keepdims);
  }
  /** Mean over `axis` (all axes when omitted). */
  mean(axis?: Axes, keepdims = false): Tensor {
    return red.mean(this, axis, keepdims);
  }
  /** Maximum over `axis` (all axes when omitted). */
  max(axis?: Axes, keepdims = false): Tensor {
    return red.max(this, axis, keepdims);
  }
  /** Minimum over `axis` (all axes when omitted). */
  min(axis?: Axes, keepdims = false): Tensor {
    return red.min(this, axis, keepdims);
  }
  /** Variance over `axis`, dividing by `n − correction` (population variance by default). */
  var(axis?: Axes, keepdims = false, correction = 0): Tensor {
    return red.variance(this, axis, keepdims, correction);
  }
  /** `log Σ e^x` over `axis`, computed stably. */
  logsumexp(axis?: Axes, keepdims = false): Tensor {
    return red.logsumexp(this, axis, keepdims);
  }
  /** Softmax along `axis` (the last by default), computed stably. */
  softmax(axis = -1): Tensor {
    return red.softmax(this, axis);
  }
  /** Log-softmax along `axis` (the last by default), computed stably. */
  logSoftmax(axis = -1): Tensor {
    return red.logSoftmax(this, axis);
  }
  /** Fused softmax + cross-entropy against int32 labels; see `softmaxCrossEntropy`. */
  crossEntropy(labels: NDArray | Tensor, options?: CrossEntropyOptions): Tensor {
    return softmaxCrossEntropy(this, labels, options);
  }
  /** Matrix product with NumPy rules (batched, broadcast batch axes, 1-D operands). */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** The same values in a new shape (one dimension may be −1). */
  reshape(...dims: number[] | [readonly number[]]): Tensor {
    return shape.reshape(this, dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : (dims as number[]));
  }
  /** Reorders the axes. */
  permute(...axes: number[]): Tensor {
    return shape.permute(this, axes);
  }
  /** Swaps two axes (the last two by default). */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return shape.transpose(this, axis0, axis1);
  }
  /** A view of a sub-range per axis (`[start, stop, step]`, negative indices, `null` for all). */
  slice(...specs: SliceSpec[]): Tensor {
    return shape.slice(this, specs);
  }
  /** Broadcasts size-1 axes to `dims` (the gradient sums them back). */
  expand(...dims: number[] | [readonly number[]]): Tensor {
    return shape.expand(this, dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : (dims as number[]));
  }
  /** Removes size-1 axes (all of them, or those named). */
  squeeze(axis?: number | readonly number[]): Tensor {
    return shape.squeeze(this, axis);
  }
  /** Inserts a size-1 axis at `axis`. */
  unsqueeze(axis: number): Tensor {
    return shape.unsqueeze(this, axis);
  }
  /** Merges axes `startAxis` … `endAxis` into one. */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return shape.flatten(this, startAxis, endAxis);
  }
  /** Splits along `axis` into equal sections or the given sizes. */
  split(sizesOrSections: number | readonly number[], axis = 0): Tensor[] {
    return split(this, sizesOrSections, axis);
  }
  /** The slices at `indices` along `axis` (embedding lookup); the gradient is scattered back. */
  indexSelect(axis: number, indices: NDArray | readonly number[]): Tensor {
    return ix.indexSelect(this, axis, indices);
  }
  /** PyTorch's `gather`: picks along `axis` by `index` (same rank as this tensor). */
  gather(axis: number, index: NDArray): Tensor {
    return ix.gather(this, axis, index);
  }
  /** Zeroes each element with probability `p` and scales the rest by `1/(1−p)` (inverted dropout). */
  dropout(p: number, options?: DropoutOptions): Tensor {
    return dropout(this, p, options);
  }
  /** The same values on another backend, as a new leaf. */
  to(backend: string): Tensor {
    return new Tensor(this.array.to(backend), { requiresGrad: this.requiresGrad && this.isLeaf });
  }
}

/**
 * Creates a leaf tensor from an NDArray (taken over, not copied), nested JS arrays or a typed array.
 *
 * @example
 * const x = tensor([1, 2, 3]);
 * const w = tensor(randn([3, 3]), { requiresGrad: true });
 */
export function tensor(
  data: NDArray | NestedArray | TypedArray,
  options: { requiresGrad?: boolean; dtype?: DType; backend?: string; shape?: readonly number[] } = {},
): Tensor {
  checkOptions('tensor', options, { requiresGrad: true, dtype: true, backend: true, shape: true });
  const { requiresGrad, dtype, backend, shape: dims } = options;
  if (typeof data === 'object' && data !== null && 'strides' in data) {
    const array = data as NDArray;
    // an NDArray is taken as it is: creation options that would change it must not be ignored
    const differs =
      (dtype !== undefined && dtype !== array.dtype) ||
      (backend !== undefined && backend !== array.backend.name) ||
      (dims !== undefined && (dims.length !== array.rank || dims.some((d, i) => d !== array.shape[i])));
    if (differs) {
      throw new ValueError(
        'tensor',
        `dtype, backend and shape apply to JS data; the given NDArray (${array.dtype} [${array.shape}] on '${array.backend.name}') is taken as it is — use .cast(), .to() or .reshape() first`,
      );
    }
    return new Tensor(array, { requiresGrad });
  }
  const array = fromArray(data as NestedArray, { dtype, backend, shape: dims });
  return new Tensor(array, { requiresGrad });
}

// NOTE: the brand sits on the prototype, so tensors of two copies of this package are interchangeable
Object.defineProperty(Tensor.prototype, TENSOR_BRAND, { value: true });
