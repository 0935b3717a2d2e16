import { checkOptions, IndexError, ValueError } from '@mlblocks/core-tensor';
import { DataFormatError } from '../errors.js';

/** How a vocabulary is built. */
export interface VocabularyOptions {
  /** Tokens seen fewer times are left out (default 1: keep all). */
  minCount?: number;
  /** At most this many entries, specials included (default: no limit). */
  maxSize?: number;
  /** Special tokens, given the first ids in this order (default `['<unk>']`). */
  specials?: readonly string[];
  /** The special that stands for unknown tokens (default `'<unk>'`; `null`: unknown tokens throw). */
  unk?: string | null;
}

/** The JSON form of a vocabulary (`toJSON` / `Vocabulary.fromJSON`). */
export interface VocabularyJSON {
  format: 'mlblocks-vocabulary';
  version: 1;
  unk: string | null;
  specials: string[];
  tokens: string[];
  counts: number[];
}

/** Counts tokens (a `Map` in first-seen order), e.g. to build one vocabulary from several texts. */
export function countTokens(
  tokens: Iterable<string>,
  into: Map<string, number> = new Map(),
): Map<string, number> {
  for (const token of tokens) into.set(token, (into.get(token) ?? 0) + 1);
  return into;
}

/**
 * A token ↔ id mapping with counts. Ids are stable: the specials first (in the order given), then
 * tokens by decreasing count, ties in code-unit (`<`) order — so the same counts always give the
 * same ids, whatever order the text came in. The `<unk>` entry's count is the number of tokens that
 * were left out (by `minCount` or `maxSize`); other specials count their own occurrences.
 *
 * @example
 * const vocab = Vocabulary.build(tokenizeWords(text), { minCount: 5, specials: ['<unk>', '<eos>'] });
 * const ids = vocab.encode(['call', 'me', 'ishmael']); // Int32Array
 * vocab.decode(ids);                                     // ['call', 'me', 'ishmael']
 * const copy = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
 */
export class Vocabulary {
  /** Tokens by id. */
  readonly tokens: readonly string[];
  /** Counts by id. */
  readonly counts: readonly number[];
  /** The special tokens (ids `0 … specials.length − 1`). */
  readonly specials: readonly string[];
  /** The unknown-token special, or `null` when unknown tokens are an error. */
  readonly unk: string | null;
  private readonly ids: Map<string, number>;

  private constructor(tokens: string[], counts: number[], specials: string[], unk: string | null) {
    this.tokens = Object.freeze(tokens);
    this.counts = Object.freeze(counts);
    this.specials = Object.freeze(specials);
    this.unk = unk;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Builds a vocabulary from a token stream. */
  static build(tokens: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
    return Vocabulary.fromCounts(countTokens(tokens), options);
  }

  /** Builds a vocabulary from token counts (see `countTokens`). */
  static fromCounts(counts: ReadonlyMap<string, number>, options: VocabularyOptions = {}): Vocabulary {
    checkOptions('Vocabulary.build', options, { minCount: true, maxSize: true, specials: true, unk: true });
    const { minCount = 1, maxSize = Number.POSITIVE_INFINITY, specials = ['<unk>'] } = options;
    const unk = options.unk === undefined ? (specials.includes('<unk>') ? '<unk>' : null) : options.unk;
    const op = 'Vocabulary.build';
    if (!(Number.isInteger(minCount) && minCount >= 1)) {
      throw new ValueError(op, `minCount must be an integer ≥ 1, got ${minCount}`);
    }
    if (new Set(specials).size !== specials.length)
      throw new ValueError(op, `duplicate specials [${specials}]`);
    if (unk !== null && !specials.includes(unk)) {
      throw new ValueError(op, `unk '${unk}' must be one of the specials [${specials}]`);
    }
    if (!(maxSize >= specials.length)) {
      throw new ValueError(op, `maxSize ${maxSize} leaves no room for the ${specials.length} specials`);
    }
    const specialCounts = specials.map((s) => counts.get(s) ?? 0);
    const candidates = [...counts].filter(([token, n]) => n >= minCount && !specials.includes(token));
    candidates.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = candidates.slice(0, Math.max(0, maxSize - specials.length));
    if (unk !== null) {
      let total = 0;
      for (const [token, n] of counts) if (!specials.includes(token)) total += n;
      const keptTotal = kept.reduce((sum, [, n]) => sum + n, 0);
      specialCounts[specials.indexOf(unk)]! += total - keptTotal;
    }
    return new Vocabulary(
      [...specials, ...kept.map(([t]) => t)],
      [...specialCounts, ...kept.map(([, n]) => n)],
      [...specials],
      unk,
    );
  }

  /** Number of entries (specials included). */
  get size(): number {
    return this.tokens.length;
  }

  /** Sum of all counts (the corpus length in tokens, when built from a whole corpus with `<unk>`). */
  get totalCount(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** The id of the unknown-token special, or -1. */
  get unkId(): number {
    return this.unk === null ? -1 : this.ids.get(this.unk)!;
  }

  /** Whether `token` has an id of its own. */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** The id of `token` (the `<unk>` id for unknown tokens; throws if there is no `<unk>`). */
  idOf(token: string): number {
    const id = this.ids.get(token);
    if (id !== undefined) return id;
    if (this.unk === null) {
      throw new ValueError(
        'Vocabulary.encode',
        `unknown token '${token}' and the vocabulary has no unk token`,
      );
    }
    return this.unkId;
  }

  /** The token with id `id`. */
  tokenOf(id: number): string {
    const token = this.tokens[id];
    if (token === undefined || !Number.isInteger(id)) {
      throw new IndexError('Vocabulary.decode', `id ${id} is out of range [0, ${this.size})`);
    }
    return token;
  }

  /** The count of `token` (0 for unknown tokens). */
  countOf(token: string): number {
    const id = this.ids.get(token);
    return id === undefined ? 0 : this.counts[id]!;
  }

  /** Token ids (unknown tokens map to `<unk>`). */
  encode(tokens: Iterable<string>): Int32Array {
    const list = Array.isArray(tokens) ? (tokens as readonly string[]) : [...tokens];
    const out = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = this.idOf(list[i]!);
    return out;
  }

  /** Tokens of ids. */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from({ length: ids.length }, (_, i) => this.tokenOf(ids[i]!));
  }

  /** The JSON form (what `JSON.stringify(vocab)` writes). */
  toJSON(): VocabularyJSON {
    return {
      format: 'mlblocks-vocabulary',
      version: 1,
      unk: this.unk,
      specials: [...this.specials],
      tokens: [...this.tokens],
      counts: [...this.counts],
    };
  }

  /**
   * Restores a vocabulary from its JSON form, validating everything: format and version, tokens
   * unique non-empty strings, one non-negative integer count per token, specials first, `unk` one
   * of them.
   *
   * @throws {DataFormatError} naming the first problem found.
   */
  static fromJSON(json: unknown): Vocabulary {
    const fail = (message: string): never => {
      throw new DataFormatError('Vocabulary.fromJSON', message);
    };
    if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected a JSON object');
    const v = json as Partial<Record<keyof VocabularyJSON, unknown>>;
    if (v.format !== 'mlblocks-vocabulary')
      fail(`format is ${JSON.stringify(v.format)}, expected "mlblocks-vocabulary"`);
    if (v.version !== 1) fail(`version ${JSON.stringify(v.version)} is not supported (expected 1)`);
    const isStrings = (x: unknown): x is string[] =>
      Array.isArray(x) && x.every((s) => typeof s === 'string');
    if (!isStrings(v.tokens)) return fail('tokens must be an array of strings');
    if (!isStrings(v.specials)) return fail('specials must be an array of strings');
    if (!Array.isArray(v.counts)) return fail('counts must be an array of numbers');
    const tokens = v.tokens;
    const specials = v.specials;
    const counts = v.counts as unknown[];
    if (counts.length !== tokens.length)
      fail(`${tokens.length} tokens but ${counts.length} counts; expected one count per token`);
    counts.forEach((n, i) => {
      if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
        fail(`count ${JSON.stringify(n)} of token ${i} is not a non-negative integer`);
      }
    });
    const seen = new Set<string>();
    tokens.forEach((t, i) => {
      if (t.length === 0) fail(`token ${i} is the empty string`);
      if (seen.has(t)) fail(`token '${t}' appears twice (ids must be unique)`);
      seen.add(t);
    });
    specials.forEach((s, i) => {
      if (tokens[i] !== s) fail(`special '${s}' must have id ${i}, found '${tokens[i]}' there`);
    });
    const unk = v.unk === undefined ? null : v.unk;
    if (unk !== null && (typeof unk !== 'string' || !specials.includes(unk))) {
      fail(`unk ${JSON.stringify(unk)} must be null or one of the specials [${specials}]`);
    }
    return new Vocabulary([...tokens], counts as number[], [...specials], unk as string | null);
  }
}
