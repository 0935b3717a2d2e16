import { type NDArray, zeros } from '@mlblocks/core-tensor';
import type { Tensor } from '../tensor.js';
import type { PartialGradient } from './partial-gradient.js';

/**
 * The gradients flowing into each tensor during one backward pass, summed as they arrive (keyed
 * by the tensor's graph node, or by the tensor itself for leaves). Arrays allocated here are
 * known to be exclusive, so partial gradients can be added into them in place; anything else
 * (a gradient an op handed to two inputs, the caller's seed) is copied before it is modified.
 */
export class GradientBuffers {
  private readonly sums = new Map<object, NDArray>();
  private readonly exclusive = new Set<NDArray>();

  /** Adds a full gradient for `key`. */
  add(key: object, g: NDArray): void {
    const previous = this.sums.get(key);
    if (!previous) {
      this.sums.set(key, g.ref());
      return;
    }
    this.replace(key, previous, previous.add(g));
  }

  /** Adds a gradient that covers part of `input` into its buffer, in place. */
  addPartial(key: object, input: Tensor, partial: PartialGradient): void {
    let buffer = this.sums.get(key);
    if (!buffer || !this.exclusive.has(buffer)) {
      const fresh = buffer
        ? buffer.clone()
        : zeros(input.shape, { dtype: input.dtype, backend: input.array.backend.name });
      if (buffer) this.replace(key, buffer, fresh);
      else {
        this.sums.set(key, fresh);
        this.exclusive.add(fresh);
      }
      buffer = fresh;
    }
    const region = partial.region(buffer);
    const sum = region.add(partial.values);
    region.assign(sum);
    sum.dispose();
    region.dispose();
  }

  /** Removes and returns the summed gradient of `key` (the caller disposes it). */
  take(key: object): NDArray | undefined {
    const g = this.sums.get(key);
    this.sums.delete(key);
    if (g) this.exclusive.delete(g);
    return g;
  }

  /** Keys still holding a gradient, in arrival order. */
  keys(): object[] {
    return [...this.sums.keys()];
  }

  dispose(): void {
    for (const g of this.sums.values()) g.dispose();
    this.sums.clear();
    this.exclusive.clear();
  }

  private replace(key: object, previous: NDArray, next: NDArray): void {
    previous.dispose();
    this.exclusive.delete(previous);
    this.sums.set(key, next);
    this.exclusive.add(next);
  }
}
