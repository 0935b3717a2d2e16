import { BackendError } from '@mlblocks/core-tensor';
import type { WasmMemory } from './wasm-types.js';

const ALIGN = 64;
const PAGE = 65536;

/**
 * A small allocator over the wasm memory, run from the host: blocks are rounded up to a size
 * class (64-byte steps up to 64 KiB, then eight classes per power of two, so at most 12.5% waste)
 * and freed blocks go to a free list per class, where the next allocation of that class takes
 * them. A training loop allocates the same sizes every step, so after the first step it runs
 * entirely on reused blocks and the memory stays flat. Fresh space comes from a bump pointer that
 * grows the memory; running past its maximum is a typed error.
 */
export class Allocator {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Called after the memory grew (typed-array views over it must be recreated). */
  onGrow: () => void = () => {};

  constructor(
    readonly memory: WasmMemory,
    base: number,
  ) {
    this.top = base;
  }

  /** The size class (bytes actually reserved) of an allocation of `bytes`. */
  static sizeClass(bytes: number): number {
    if (bytes <= PAGE) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
    return Math.ceil(bytes / step) * step;
  }

  /** Reserves a block of `size` bytes (a size class) and returns its address; contents are undefined. */
  alloc(size: number): number {
    const list = this.freeLists.get(size);
    if (list && list.length > 0) return list.pop()!;
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(Math.max(pages, Math.min(256, have / PAGE / 4) | 0));
      } catch {
        try {
          this.memory.grow(pages);
        } catch {
          throw new BackendError(
            'wasm alloc',
            `out of memory: cannot allocate ${size} bytes (wasm memory holds ${have} bytes and cannot grow); ` +
              'dispose() arrays you no longer need, or create the backend with a larger maxMemoryMB',
          );
        }
      }
      this.onGrow();
    }
    this.top = end;
    return ptr;
  }

  /** Returns a block to its size class's free list. */
  free(ptr: number, size: number): void {
    let list = this.freeLists.get(size);
    if (!list) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(ptr);
  }

  /** Bytes between the heap base and the bump pointer (live plus free-listed blocks). */
  get reserved(): number {
    return this.top;
  }
}
