import { keep, type NDArray } from '@mlblocks/core-tensor';

/**
 * What an optimizer remembers about one parameter: how many updates it has applied (`step`) and
 * its named state arrays (momentum, running averages, …).
 *
 * NOTE: the arrays are created inside the step's `tidy` scope; `set` marks them with `keep` so the
 * scope leaves them alone, and frees the array it replaces, so a long loop holds memory flat.
 */
export class ParamState {
  /** Number of updates applied to this parameter. */
  step = 0;
  private readonly buffers = new Map<string, NDArray>();

  /** The state array called `name`, or undefined before it is first set. */
  get(name: string): NDArray | undefined {
    return this.buffers.get(name);
  }

  /** Stores `value` as the state array `name` (kept out of scopes), freeing the previous one. */
  set(name: string, value: NDArray): NDArray {
    const previous = this.buffers.get(name);
    if (previous === value) return value;
    this.buffers.set(name, keep(value));
    previous?.dispose();
    return value;
  }

  /** The names of the state arrays set so far. */
  names(): string[] {
    return [...this.buffers.keys()];
  }

  /** Frees every state array. */
  dispose(): void {
    for (const array of this.buffers.values()) array.dispose();
    this.buffers.clear();
  }
}
