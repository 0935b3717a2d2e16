import { type Disposable, type NDArray, OWNED_DISPOSABLES } from '@mlblocks/core-tensor';

/**
 * A gradient that covers only part of its input — a slice's, for instance. Instead of
 * materialising a zero array the size of the whole input for every slice (which makes a
 * T-step sequence cost O(T²)), a backward returns this and the engine adds `values` into
 * `region(fullGradient)` in place, in one buffer per input.
 */
export class PartialGradient implements Disposable {
  constructor(
    /** Selects the covered region of the full gradient (a view). */
    readonly region: (full: NDArray) => NDArray,
    /** The gradient of that region. */
    readonly values: NDArray,
  ) {}

  get isDisposed(): boolean {
    return this.values.isDisposed;
  }

  dispose(): void {
    this.values.dispose();
  }

  [OWNED_DISPOSABLES](): Disposable[] {
    return [this.values];
  }
}
