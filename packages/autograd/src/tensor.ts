import {
  type Axes,
  checkOptions,
  type Disposable,
  type DType,
  fromArray,
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

  constructor(array: NDArray, options: TensorOptions = {}) {
    checkOptions('Tensor', options, TENSOR_OPTIONS);
    this.array = array;
    this.gradFn = options.gradFn ?? null;
    this.wantsGrad = this.gradFn !== null || (options.requiresGrad ?? false);
    if (this.wantsGrad && array.dtype !== 'float32' && array.dtype !== 'float64') {
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
    if (value && this.array.dtype !== 'float32' && this.array.dtype !== 'float64') {
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
  get shape(): readonly number[] {
    return this.array.shape;
  }
  get dtype(): DType {
    return this.array.dtype;
  }
  get rank(): number {
    return this.array.rank;
  }
  get size(): number {
    return this.array.size;
  }
  // its own flag: a scope may dispose the array before the tensor, and the tensor must still
  // release its graph node then
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

  [OWNED_DISPOSABLES](): Disposable[] {
    return this.grad ? [this.array, this.grad] : [this.array];
  }

  // ── readback ─────────────────────────────────────────────────────────────────────────────
  /** The values as a typed array (row-major). */
  data(): Promise<TypedArray> {
    return this.array.data();
  }
  dataSync(): TypedArray {
    return this.array.dataSync();
  }
  toArray(): Promise<NestedArray> {
    return this.array.toArray();
  }
  toArraySync(): NestedArray {
    return this.array.toArraySync();
  }
  /** The single value of a one-element tensor (synchronous backends). */
  item(): number {
    return this.array.item();
  }
  itemAsync(): Promise<number> {
    return this.array.itemAsync();
  }
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
  add(other: TensorLike): Tensor {
    return arith.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return arith.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return arith.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return arith.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return arith.pow(this, exponent);
  }
  neg(): Tensor {
    return arith.neg(this);
  }
  exp(): Tensor {
    return un.exp(this);
  }
  log(): Tensor {
    return un.log(this);
  }
  sqrt(): Tensor {
    return un.sqrt(this);
  }
  square(): Tensor {
    return un.square(this);
  }
  abs(): Tensor {
    return un.abs(this);
  }
  tanh(): Tensor {
    return un.tanh(this);
  }
  sigmoid(): Tensor {
    return un.sigmoid(this);
  }
  relu(): Tensor {
    return un.relu(this);
  }
  leakyRelu(slope = 0.01): Tensor {
    return un.leakyRelu(this, slope);
  }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return un.gelu(this, approximate);
  }
  maximum(other: TensorLike): Tensor {
    return sel.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return sel.minimum(this, other);
  }
  clip(min?: number, max?: number): Tensor {
    return sel.clip(this, min, max);
  }
  sum(axis?: Axes, keepdims = false): Tensor {
    return red.sum(this, axis, keepdims);
  }
  mean(axis?: Axes, keepdims = false): Tensor {
    return red.mean(this, axis, keepdims);
  }
  max(axis?: Axes, keepdims = false): Tensor {
    return red.max(this, axis, keepdims);
  }
  min(axis?: Axes, keepdims = false): Tensor {
    return red.min(this, axis, keepdims);
  }
  var(axis?: Axes, keepdims = false, correction = 0): Tensor {
    return red.variance(this, axis, keepdims, correction);
  }
  logsumexp(axis?: Axes, keepdims = false): Tensor {
    return red.logsumexp(this, axis, keepdims);
  }
  softmax(axis = -1): Tensor {
    return red.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return red.logSoftmax(this, axis);
  }
  /** Fused softmax + cross-entropy against int32 labels; see `softmaxCrossEntropy`. */
  crossEntropy(labels: NDArray | Tensor, options?: CrossEntropyOptions): Tensor {
    return softmaxCrossEntropy(this, labels, options);
  }
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  reshape(...dims: number[] | [readonly number[]]): Tensor {
    return shape.reshape(this, dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : (dims as number[]));
  }
  permute(...axes: number[]): Tensor {
    return shape.permute(this, axes);
  }
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return shape.transpose(this, axis0, axis1);
  }
  slice(...specs: SliceSpec[]): Tensor {
    return shape.slice(this, specs);
  }
  expand(...dims: number[] | [readonly number[]]): Tensor {
    return shape.expand(this, dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : (dims as number[]));
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return shape.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return shape.unsqueeze(this, axis);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return shape.flatten(this, startAxis, endAxis);
  }
  split(sizesOrSections: number | readonly number[], axis = 0): Tensor[] {
    return split(this, sizesOrSections, axis);
  }
  indexSelect(axis: number, indices: NDArray | readonly number[]): Tensor {
    return ix.indexSelect(this, axis, indices);
  }
  gather(axis: number, index: NDArray): Tensor {
    return ix.gather(this, axis, index);
  }
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
