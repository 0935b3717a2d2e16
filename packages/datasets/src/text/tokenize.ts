/** Options of `tokenizeWords`. */
export interface WordTokenizerOptions {
  /** Lowercase every token (default true). */
  lowercase?: boolean;
  /** `'drop'` (default) removes punctuation and symbols; `'keep'` makes each one a token of its own. */
  punctuation?: 'drop' | 'keep';
}

// A word: letters/digits/marks, optionally joined by single apostrophes ("don't", "whale's").
const WORD = String.raw`[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*`;
const WORDS_ONLY = new RegExp(WORD, 'gu');
const WORDS_AND_MARKS = new RegExp(`${WORD}|[\\p{P}\\p{S}]`, 'gu');

/**
 * Splits text into words. The rules, in order:
 * 1. Unicode NFKC normalization; curly apostrophes (’ ‘ ʼ) become `'`.
 * 2. Lowercasing (unless `lowercase: false`), with JavaScript's locale-independent `toLowerCase`.
 * 3. A word is a run of letters, digits and combining marks; single apostrophes between such runs
 *    stay inside it (`don't`, `whale's`, `o'clock`), other apostrophes are punctuation.
 * 4. Everything else separates words: whitespace, hyphens and dashes (`sperm-whale` → `sperm`,
 *    `whale`), and punctuation and symbols, which are dropped — or, with `punctuation: 'keep'`,
 *    emitted as one token per character (`.`, `,`, `—`, `$`).
 *
 * @example
 * tokenizeWords("Call me Ishmael. Some years ago—never mind how long");
 * // ['call', 'me', 'ishmael', 'some', 'years', 'ago', 'never', 'mind', 'how', 'long']
 * tokenizeWords("Don't stop!", { punctuation: 'keep' }); // ["don't", 'stop', '!']
 */
export function tokenizeWords(text: string, options: WordTokenizerOptions = {}): string[] {
  const { lowercase = true, punctuation = 'drop' } = options;
  let normalized = text.normalize('NFKC').replace(/[\u2018\u2019\u02bc]/g, "'");
  if (lowercase) normalized = normalized.toLowerCase();
  return normalized.match(punctuation === 'keep' ? WORDS_AND_MARKS : WORDS_ONLY) ?? [];
}

/** Options of `tokenizeChars`. */
export interface CharTokenizerOptions {
  /** Lowercase first (default false: a character model usually keeps case). */
  lowercase?: boolean;
}

/**
 * Splits text into characters — Unicode code points, so an emoji or `𝔸` is one token, not two
 * UTF-16 halves. Whitespace and newlines are tokens too; nothing is normalized.
 *
 * @example
 * tokenizeChars('To be'); // ['T', 'o', ' ', 'b', 'e']
 */
export function tokenizeChars(text: string, options: CharTokenizerOptions = {}): string[] {
  return Array.from(options.lowercase ? text.toLowerCase() : text);
}
