import { fromArray, type Generator, type NDArray } from '@mlblocks/core-tensor';
import { IGNORE_INDEX } from '@mlblocks/rnn-lm';
import { BOS, type Entry, EOS, encodeWord, PAD } from './data.js';

/** A padded batch of G2P pairs. */
export interface Batch {
  entries: Entry[];
  /** Letter ids `[B, S]`, padded with `<pad>` (0). */
  src: NDArray;
  srcLengths: number[];
  /** `<s> p_1 … p_n` `[B, T]`, padded with `<pad>`. */
  tgtIn: NDArray;
  /** `p_1 … p_n </s>` `[B, T]`, padded with `IGNORE_INDEX`. */
  tgtOut: NDArray;
  /** Target tokens predicted (phonemes + `</s>`). */
  tokens: number;
}

/** Pads and encodes `entries` (phonemes given as target ids). */
export function makeBatch(entries: Entry[], phonemeIds: Map<string, number>, backend?: string): Batch {
  const srcIds = entries.map((e) => encodeWord(e.word));
  const tgtIds = entries.map((e) => e.phonemes.map((p) => phonemeIds.get(p) ?? -1));
  const S = Math.max(...srcIds.map((s) => s.length));
  const T = Math.max(...tgtIds.map((t) => t.length)) + 1;
  const B = entries.length;
  const src = new Int32Array(B * S).fill(PAD);
  const tgtIn = new Int32Array(B * T).fill(PAD);
  const tgtOut = new Int32Array(B * T).fill(IGNORE_INDEX);
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    src.set(srcIds[b]!, b * S);
    const t = tgtIds[b]!;
    tgtIn[b * T] = BOS;
    tgtIn.set(t, b * T + 1);
    tgtOut.set(t, b * T);
    tgtOut[b * T + t.length] = EOS;
    tokens += t.length + 1;
  }
  return {
    entries,
    src: fromArray(src, { shape: [B, S], dtype: 'int32', backend }),
    srcLengths: srcIds.map((s) => s.length),
    tgtIn: fromArray(tgtIn, { shape: [B, T], dtype: 'int32', backend }),
    tgtOut: fromArray(tgtOut, { shape: [B, T], dtype: 'int32', backend }),
    tokens,
  };
}

/**
 * One epoch's batches: the words sorted by length (ties in random order), cut into batches of
 * `batchSize`, the batches shuffled — so most batches hold words of one length and padding is rare.
 */
export function epochBatches(entries: readonly Entry[], batchSize: number, generator: Generator): Entry[][] {
  const keyed = entries.map((e) => ({ e, k: e.word.length + generator.nextFloat() }));
  keyed.sort((a, b) => a.k - b.k);
  const batches: Entry[][] = [];
  for (let i = 0; i < keyed.length; i += batchSize)
    batches.push(keyed.slice(i, i + batchSize).map((x) => x.e));
  for (let i = batches.length - 1; i > 0; i--) {
    const j = Math.floor(generator.nextFloat() * (i + 1));
    [batches[i], batches[j]] = [batches[j]!, batches[i]!];
  }
  return batches;
}
