import { beamSearch, type Decoded, greedyDecode, type Seq2Seq } from '@mlblocks/rnn-lm';
import { makeBatch } from './batches.js';
import type { Entry } from './data.js';

/** Levenshtein distance between two token sequences (substitutions, insertions, deletions). */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Word and phoneme error rates of predictions against references. */
export interface ErrorRates {
  /** Words whose predicted pronunciation is not exactly the reference. */
  wer: number;
  /** Phoneme edit distance summed over words, over the reference phonemes. */
  per: number;
  words: number;
}

/** WER and PER of `predicted[i]` against `entries[i].phonemes`. */
export function errorRates(entries: readonly Entry[], predicted: readonly string[][]): ErrorRates {
  let wrong = 0;
  let edits = 0;
  let phonemes = 0;
  entries.forEach((e, i) => {
    const d = editDistance(predicted[i]!, e.phonemes);
    if (d > 0) wrong++;
    edits += d;
    phonemes += e.phonemes.length;
  });
  return { wer: wrong / entries.length, per: edits / phonemes, words: entries.length };
}

/** How to decode. */
export interface DecodeSettings {
  /** 1: greedy (batched); > 1: beam search of this width (one word at a time). */
  beam: number;
  /** Words per greedy batch. Default 256. */
  batchSize?: number;
}

/** The phonemes the model predicts for each entry's spelling, and the full decoder results. */
export function predict(
  model: Seq2Seq,
  entries: readonly Entry[],
  vocab: readonly string[],
  phonemeIds: Map<string, number>,
  settings: DecodeSettings,
  onProgress?: (done: number) => void,
): { phonemes: string[][]; decoded: Decoded[] } {
  const decoded: Decoded[] = [];
  const size = settings.beam > 1 ? 1 : (settings.batchSize ?? 256);
  for (let i = 0; i < entries.length; i += size) {
    const batch = makeBatch(entries.slice(i, i + size), phonemeIds);
    if (settings.beam > 1) {
      decoded.push(beamSearch(model, batch.src, { beamWidth: settings.beam })[0]!);
    } else {
      decoded.push(...greedyDecode(model, batch.src, { srcLengths: batch.srcLengths }));
    }
    batch.src.dispose();
    batch.tgtIn.dispose();
    batch.tgtOut.dispose();
    onProgress?.(Math.min(entries.length, i + size));
  }
  return { phonemes: decoded.map((d) => d.tokens.map((id) => vocab[id]!)), decoded };
}
