import type { Storage } from '../backend/backend.js';
import { runtime } from '../runtime/runtime.js';

/**
 * A storage plus the number of NDArrays (the array and its views) that reference it.
 * The backend frees the storage when the last of them is disposed.
 */
export class SharedStorage {
  private refs = 0;
  /** Bumped by every in-place write, so readers that saved the array can detect the change. */
  version = 0;

  constructor(readonly storage: Storage) {}

  /** Arrays and views referencing the storage now. */
  get refCount(): number {
    return this.refs;
  }

  acquire(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0) this.storage.backend.free(this.storage);
  }
}

/** Counts arrays created and disposed (by every copy of this package), for `memory().ndarrays`. */
export const arrayCounter = {
  created(): void {
    runtime.liveArrays++;
  },
  disposed(): void {
    runtime.liveArrays--;
  },
  get live(): number {
    return runtime.liveArrays;
  },
};
