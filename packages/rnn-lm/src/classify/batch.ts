import { fromArray, type NDArray, ValueError } from '@mlblocks/core-tensor';

/** A padded batch of token sequences: `tokens` `[B, T]` (int32, `padId` past each length) and the lengths. */
export interface PaddedBatch {
  /** `[B, T]` int32 ids, T the longest length, `padId` past each sequence's end. */
  tokens: NDArray;
  /** Each sequence's real length (1…T). */
  lengths: number[];
}

/** Options of {@link padSequences}. */
export interface PadOptions {
  /** The id written past each sequence's end (default 0). */
  padId?: number;
  /** Longest sequence accepted (default: no limit); a longer one is an error unless `truncate`. */
  maxLength?: number;
  /** Cut sequences longer than `maxLength` to their first `maxLength` tokens instead of throwing. */
  truncate?: boolean;
  /** Backend of `tokens` (default: the default backend). */
  backend?: string;
}

/**
 * Pads token-id sequences into one `[B, T]` int32 batch, T being the longest length — the input
 * of a recurrent layer's `{ lengths }`. An empty sequence, or one longer than `maxLength` (unless
 * `truncate`), is a `ValueError` naming its position in the batch.
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadOptions = {}): PaddedBatch {
  const { padId = 0, maxLength = Number.POSITIVE_INFINITY, truncate = false, backend } = options;
  if (sequences.length === 0) throw new ValueError('padSequences', 'the batch is empty');
  const lengths = sequences.map((s, i) => {
    if (s.length === 0)
      throw new ValueError('padSequences', `sequence ${i} is empty; every sequence needs at least one token`);
    if (s.length > maxLength && !truncate) {
      throw new ValueError(
        'padSequences',
        `sequence ${i} has ${s.length} tokens, more than maxLength ${maxLength} (pass truncate: true to keep its first ${maxLength})`,
      );
    }
    return Math.min(s.length, maxLength);
  });
  const T = Math.max(...lengths);
  const ids = new Int32Array(sequences.length * T).fill(padId);
  sequences.forEach((s, b) => {
    for (let t = 0; t < lengths[b]!; t++) ids[b * T + t] = s[t]!;
  });
  return { tokens: fromArray(ids, { shape: [sequences.length, T], backend }), lengths };
}
