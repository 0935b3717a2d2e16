import type { NDArray } from '@mlblocks/core-tensor';
import { AutogradError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { PartialGradient } from './partial-gradient.js';

/**
 * Computes the gradients of an op's inputs from the gradient of its output and the arrays the
 * forward pass saved. Returns one entry per input (null where no gradient flows); `needed[i]`
 * says whether input i wants one, so an op may skip work for constants.
 */
export type BackwardFn = (
  grad: NDArray,
  saved: readonly NDArray[],
  needed: readonly boolean[],
) => readonly (NDArray | PartialGradient | null)[];

interface SavedArray {
  array: NDArray;
  version: number;
}

/**
 * One recorded op in the graph: its inputs (null for inputs that need no gradient), the arrays
 * its backward needs, and the backward function itself. Owns the saved arrays until released.
 */
export class Node {
  private saved: SavedArray[] | null;

  constructor(
    readonly name: string,
    readonly inputs: readonly (Tensor | null)[],
    saved: readonly NDArray[],
    private readonly backwardFn: BackwardFn,
  ) {
    this.saved = saved.map((array) => ({ array, version: array.version }));
  }

  /** True once the saved arrays were freed (after a backward without retainGraph). */
  get isReleased(): boolean {
    return this.saved === null;
  }

  /** Runs the backward function after checking the saved arrays are still what forward saw. */
  backward(grad: NDArray): readonly (NDArray | PartialGradient | null)[] {
    if (this.saved === null) {
      throw new AutogradError(
        'backward',
        `trying to backward through the graph a second time: the arrays saved by '${this.name}' were freed after the first backward(); pass { retainGraph: true } to the first call if you need to backward twice`,
      );
    }
    for (const [i, s] of this.saved.entries()) {
      if (s.array.version !== s.version) {
        throw new AutogradError(
          'backward',
          `an array saved by '${this.name}' for its gradient (saved #${i}, shape [${s.array.shape.join(',')}]) was modified in place after the forward pass (version ${s.version} → ${s.array.version}); modify a copy instead, or run the update after backward()`,
        );
      }
    }
    return this.backwardFn(
      grad,
      this.saved.map((s) => s.array),
      this.inputs.map((t) => t !== null),
    );
  }

  /** Frees the saved arrays. */
  release(): void {
    if (this.saved === null) return;
    for (const s of this.saved) s.array.dispose();
    this.saved = null;
  }
}
