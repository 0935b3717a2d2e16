import { ValueError } from '@mlblocks/core-tensor';
import { VectorFormatError } from '../errors.js';
import { KeyedVectors } from '../model/keyed-vectors.js';

// The word2vec formats, as the C tool (word2vec.c) and gensim (KeyedVectors.save_word2vec_format /
// load_word2vec_format) write and read them. Both start with an ASCII header line `count dim\n`.
// Text: one line per word, `word v1 v2 … vdim`; the C tool prints each value as `%lf ` (six
// decimals, a space after each, the last one too), gensim as Python's repr of the float32 (the
// shortest digits that read back to the same float32). Binary: per word, the UTF-8 word, one space,
// then dim little-endian float32; the C tool writes a `\n` after each vector, gensim does not; both
// readers skip newlines before a word.

/** How to write: like gensim (default) or like the C tool (see the module notes). */
export type Word2VecStyle = 'gensim' | 'c';

const encoder = new TextEncoder();

function checkWord(word: string, op: string): void {
  if (word === '' || /\s/.test(word)) {
    throw new ValueError(
      op,
      `word ${JSON.stringify(word)} cannot be written: words must be non-empty and without whitespace`,
    );
  }
}

/**
 * The shortest decimal digits and exponent that read back to the float32 `v` (v finite, > 0); when
 * two such digit strings are equally close to `v`, the even one (numpy's Dragon4 rounds half to
 * even; JavaScript's toExponential rounds half up).
 */
function shortestDigits(v: number): { digits: string; exponent: number } {
  for (let p = 1; p <= 9; p++) {
    const text = v.toExponential(p - 1);
    if (p < 9 && Math.fround(Number(text)) !== v) continue;
    const { digits, exponent } = parseExponential(text);
    const last = Number(digits[digits.length - 1]);
    if (last % 2 === 1 && digits.length > 1) {
      const lower = (BigInt(digits) - 1n).toString();
      const scale = exponent - p + 1;
      if (lower.length === digits.length && isHalfway(v, BigInt(digits), scale)) {
        const alternative = `${lower[0]}.${lower.slice(1)}e${exponent}`;
        if (Math.fround(Number(alternative)) === v) return { digits: lower, exponent };
      }
    }
    return { digits, exponent };
  }
  throw new Error('unreachable: 9 digits always identify a float32');
}

function parseExponential(text: string): { digits: string; exponent: number } {
  const [mantissa, exponent] = text.split('e') as [string, string];
  return { digits: mantissa.replace('-', '').replace('.', ''), exponent: Number(exponent) };
}

/** Whether `v` lies exactly halfway between `(digits − 1)·10^scale` and `digits·10^scale`. */
function isHalfway(v: number, digits: bigint, scale: number): boolean {
  // v = m · 2^k exactly, from its float64 bits (v > 0, finite)
  const bits = new DataView(new Float64Array([v]).buffer).getBigUint64(0, true);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  const k = (biased === 0 ? 1 : biased) - 1075;
  // 2·m·2^k = (2·digits − 1)·10^scale ?
  let left = 2n * m;
  let right = 2n * digits - 1n;
  if (k >= 0) left <<= BigInt(k);
  else right <<= BigInt(-k);
  if (scale >= 0) right *= 10n ** BigInt(scale);
  else left *= 10n ** BigInt(-scale);
  return left === right;
}

/**
 * A float32 as numpy's `repr` prints it (what gensim writes): the shortest round-trip digits,
 * positional for 1e−4 ≤ |v| < 1e16 (`0.1`, `1.0`, `123456.78`), else scientific with a two-digit
 * exponent at least (`1e-05`, `1.5e-07`, `3.4e+38`).
 */
export function formatFloat32(value: number): string {
  const v = Math.fround(value);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const sign = v < 0 ? '-' : '';
  const abs = Math.abs(v);
  const { digits, exponent } = shortestDigits(abs);
  if (abs >= 1e-4 && abs < 1e16) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${e}`;
}

/**
 * The word2vec text format of `vectors`.
 *
 * @example
 * writeFileSync('vectors.txt', serializeWord2VecText(vectors));
 */
export function serializeWord2VecText(
  vectors: KeyedVectors,
  options: { style?: Word2VecStyle } = {},
): string {
  const { style = 'gensim' } = options;
  const { dim, words, vectors: data } = vectors;
  const lines = [`${vectors.size} ${dim}\n`];
  for (let w = 0; w < vectors.size; w++) {
    const word = words[w]!;
    checkWord(word, 'serializeWord2VecText');
    const values: string[] = [];
    for (let c = 0; c < dim; c++) {
      const v = data[w * dim + c]!;
      values.push(style === 'c' ? `${Object.is(v, -0) ? '-0.000000' : v.toFixed(6)} ` : formatFloat32(v));
    }
    lines.push(style === 'c' ? `${word} ${values.join('')}\n` : `${word} ${values.join(' ')}\n`);
  }
  return lines.join('');
}

/** The word2vec binary format of `vectors`. */
export function serializeWord2VecBinary(
  vectors: KeyedVectors,
  options: { style?: Word2VecStyle } = {},
): Uint8Array {
  const { style = 'gensim' } = options;
  const { dim, words, vectors: data } = vectors;
  const encodedWords = words.map((word) => {
    checkWord(word, 'serializeWord2VecBinary');
    return encoder.encode(`${word} `);
  });
  const header = encoder.encode(`${vectors.size} ${dim}\n`);
  const tail = style === 'c' ? 1 : 0;
  const size = header.length + encodedWords.reduce((n, b) => n + b.length + dim * 4 + tail, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(header, 0);
  let at = header.length;
  encodedWords.forEach((bytes, w) => {
    out.set(bytes, at);
    at += bytes.length;
    for (let c = 0; c < dim; c++, at += 4) view.setFloat32(at, data[w * dim + c]!, true);
    if (tail) out[at++] = 0x0a;
  });
  return out;
}

const FLOAT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function parseHeader(
  line: string,
  source: string,
  position: { line?: number; byteOffset?: number },
  op: string,
) {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
  if (!match) {
    throw new VectorFormatError(
      op,
      source,
      position,
      `bad header ${JSON.stringify(line.slice(0, 80))}: expected 'count dim'`,
    );
  }
  const count = Number(match[1]);
  const dim = Number(match[2]);
  if (dim === 0)
    throw new VectorFormatError(op, source, position, 'the header declares vectors of 0 dimensions');
  return { count, dim };
}

/**
 * Reads the word2vec text format (either tool's): the header's count and dimension are checked
 * against the rows, every value must be a finite decimal number, words must be unique.
 *
 * @throws {VectorFormatError} naming the line (1-based) and what is wrong there.
 */
export function parseWord2VecText(input: string | Uint8Array, source = 'vectors.txt'): KeyedVectors {
  const op = 'parseWord2VecText';
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new VectorFormatError(
        op,
        source,
        {},
        'is not valid UTF-8 text (a binary file? use the binary reader)',
      );
    }
  }
  const lines = text.split('\n');
  const { count, dim } = parseHeader(lines[0]!, source, { line: 1 }, op);
  const words: string[] = [];
  const seen = new Set<string>();
  const data = new Float32Array(count * dim);
  let row = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    if (line === '') continue;
    const at = { line: i + 1 };
    if (row === count)
      throw new VectorFormatError(op, source, at, `more vectors than the ${count} the header declares`);
    const parts = line.split(' ');
    const word = parts[0]!;
    if (word === '') throw new VectorFormatError(op, source, at, 'the line starts with a space: no word');
    if (parts.length - 1 !== dim) {
      throw new VectorFormatError(
        op,
        source,
        at,
        `'${word}' has ${parts.length - 1} values, expected ${dim}`,
      );
    }
    if (seen.has(word)) throw new VectorFormatError(op, source, at, `'${word}' appears twice`);
    for (let c = 0; c < dim; c++) {
      const token = parts[c + 1]!;
      if (!FLOAT.test(token)) {
        throw new VectorFormatError(
          op,
          source,
          at,
          `bad float ${JSON.stringify(token)} (value ${c + 1} of '${word}')`,
        );
      }
      const value = Math.fround(Number(token));
      if (!Number.isFinite(value)) {
        throw new VectorFormatError(
          op,
          source,
          at,
          `value ${c + 1} of '${word}' (${token}) overflows float32`,
        );
      }
      data[row * dim + c] = value;
    }
    seen.add(word);
    words.push(word);
    row++;
  }
  if (row < count) {
    throw new VectorFormatError(
      op,
      source,
      { line: lines.length },
      `the header declares ${count} vectors, the file holds ${row}`,
    );
  }
  return new KeyedVectors(words, data, dim);
}

/**
 * Reads the word2vec binary format (either tool's: newlines after vectors or none).
 *
 * @throws {VectorFormatError} naming the byte offset of a truncated vector, a missing header, a
 * non-finite value or trailing bytes.
 */
export function parseWord2VecBinary(bytes: Uint8Array, source = 'vectors.bin'): KeyedVectors {
  const op = 'parseWord2VecBinary';
  const newline = bytes.indexOf(0x0a);
  if (newline < 0)
    throw new VectorFormatError(
      op,
      source,
      { byteOffset: 0 },
      'no header line (truncated or not a word2vec file)',
    );
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(newline, 200)));
  const { count, dim } = parseHeader(header, source, { byteOffset: 0 }, op);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: string[] = [];
  const seen = new Set<string>();
  const data = new Float32Array(count * dim);
  let at = newline + 1;
  for (let row = 0; row < count; row++) {
    while (at < bytes.length && bytes[at] === 0x0a) at++;
    const start = at;
    const space = bytes.indexOf(0x20, at);
    if (at >= bytes.length || space < 0) {
      throw new VectorFormatError(
        op,
        source,
        { byteOffset: at },
        `truncated: the header declares ${count} vectors, the file ends after ${row}`,
      );
    }
    let word: string;
    try {
      word = decoder.decode(bytes.subarray(start, space));
    } catch {
      throw new VectorFormatError(op, source, { byteOffset: start }, `word ${row + 1} is not valid UTF-8`);
    }
    if (word === '')
      throw new VectorFormatError(op, source, { byteOffset: start }, `word ${row + 1} is empty`);
    if (seen.has(word))
      throw new VectorFormatError(op, source, { byteOffset: start }, `'${word}' appears twice`);
    at = space + 1;
    if (at + dim * 4 > bytes.length) {
      throw new VectorFormatError(
        op,
        source,
        { byteOffset: at },
        `truncated: the vector of '${word}' needs ${dim * 4} bytes, ${bytes.length - at} left`,
      );
    }
    for (let c = 0; c < dim; c++, at += 4) {
      const value = view.getFloat32(at, true);
      if (!Number.isFinite(value)) {
        throw new VectorFormatError(
          op,
          source,
          { byteOffset: at },
          `value ${c + 1} of '${word}' is ${value}`,
        );
      }
      data[row * dim + c] = value;
    }
    seen.add(word);
    words.push(word);
  }
  while (at < bytes.length && (bytes[at] === 0x0a || bytes[at] === 0x20)) at++;
  if (at < bytes.length) {
    throw new VectorFormatError(
      op,
      source,
      { byteOffset: at },
      `${bytes.length - at} bytes after the ${count} vectors the header declares`,
    );
  }
  return new KeyedVectors(words, data, dim);
}

/** Whether bytes look like the binary format (a header line, then a word and non-text bytes). */
export function looksBinary(bytes: Uint8Array): boolean {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return false;
  const sample = bytes.subarray(newline + 1, newline + 1 + 4096);
  for (const b of sample) if (b < 0x09 || (b > 0x0d && b < 0x20)) return true;
  return false;
}
