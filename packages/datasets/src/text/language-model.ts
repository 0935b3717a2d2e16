import { checkOptions, fromArray, type NDArray, ValueError } from '@mlblocks/core-tensor';

/**
 * Lays a token stream out for truncated-BPTT language-model training: `batchSize` contiguous
 * streams, one per row. With `steps = floor(n / batchSize)`, row `b` holds tokens
 * `[b·steps, (b+1)·steps)`; the last `n mod batchSize` tokens are dropped. Reading a row left to
 * right is reading the text, so a recurrent state can be carried from one window to the next.
 *
 * @example
 * const data = batchify(vocab.encode(tokens), 20); // int32 [20, steps]
 * for (const { input, target } of bpttWindows(data, 35)) { ... }
 */
export function batchify(
  ids: ArrayLike<number>,
  batchSize: number,
  options: { backend?: string } = {},
): NDArray {
  checkOptions('batchify', options, { backend: true });
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new ValueError('batchify', `batchSize must be a positive integer, got ${batchSize}`);
  }
  const steps = Math.floor(ids.length / batchSize);
  if (steps < 2) {
    throw new ValueError(
      'batchify',
      `${ids.length} tokens give ${steps} steps per row for batchSize ${batchSize}; need at least 2 (an input and its target)`,
    );
  }
  const data = new Int32Array(batchSize * steps);
  for (let i = 0; i < data.length; i++) data[i] = ids[i]!;
  return fromArray(data, { shape: [batchSize, steps], backend: options.backend });
}

/** One BPTT window: `target` is `input` shifted left by one step. */
export interface BpttWindow {
  /** int32 `[batch, length]`. */
  readonly input: NDArray;
  /** int32 `[batch, length]`: the next token of each input position. */
  readonly target: NDArray;
  /** Where the window starts along the time axis. */
  readonly start: number;
}

/**
 * Consecutive windows over a batchified stream: window `k` covers steps
 * `[k·seqLen, k·seqLen + L)` with targets one step later, `L = seqLen` except for a shorter last
 * window (every step but the final one is an input exactly once). `input` and `target` are O(1)
 * views into `data`; disposing them never frees `data`.
 */
export function* bpttWindows(data: NDArray, seqLen: number): Generator<BpttWindow> {
  if (!(Number.isInteger(seqLen) && seqLen > 0)) {
    throw new ValueError('bpttWindows', `seqLen must be a positive integer, got ${seqLen}`);
  }
  if (data.rank !== 2) {
    throw new ValueError(
      'bpttWindows',
      `expected a batchified [batch, steps] array, got shape [${data.shape}]`,
    );
  }
  const steps = data.shape[1]!;
  for (let start = 0; start < steps - 1; start += seqLen) {
    const length = Math.min(seqLen, steps - 1 - start);
    yield {
      input: data.slice(null, [start, start + length]),
      target: data.slice(null, [start + 1, start + 1 + length]),
      start,
    };
  }
}

/** Number of windows `bpttWindows(data, seqLen)` yields for `steps` time steps. */
export function bpttWindowCount(steps: number, seqLen: number): number {
  return Math.max(0, Math.ceil((steps - 1) / seqLen));
}
