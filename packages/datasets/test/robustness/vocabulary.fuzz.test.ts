// Vocabulary files under hostile input and saves under faults (issue #15): mutated vocabulary JSON
// is accepted exactly when an independent check of the format says it is valid, otherwise refused
// with a DataFormatError; saveVocabulary leaves no temporary file when the write fails and removes
// those of killed writers.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DataFormatError,
  loadVocabulary,
  saveVocabulary,
  Vocabulary,
  type VocabularyJSON,
} from '@mlblocks/datasets/node';
import { fuzzParams, Tally } from '@mlblocks/fuzz-kit';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';

const dir = tempDir('mlblocks-vocab-fuzz-');
afterAll(() => dir.cleanup());

// The format, read independently: what fromJSON must accept.
function valid(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (o.format !== 'mlblocks-vocabulary' || o.version !== 1) return false;
  const { tokens, specials, counts } = o;
  if (!strings(tokens) || !strings(specials) || !Array.isArray(counts)) return false;
  if (counts.length !== tokens.length) return false;
  if (!counts.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) return false;
  if (tokens.some((t) => t === '') || new Set(tokens).size !== tokens.length) return false;
  if (!specials.every((s, i) => tokens[i] === s)) return false;
  const unk = o.unk === undefined ? null : o.unk;
  return unk === null || (typeof unk === 'string' && specials.includes(unk));
}

const base: VocabularyJSON = Vocabulary.build('the cat sat on the mat the end'.split(' '), {
  specials: ['<unk>', '<eos>'],
}).toJSON();

const KEYS = ['format', 'version', 'unk', 'specials', 'tokens', 'counts'] as const;
const mutatedJson = fc
  .array(
    fc.oneof(
      fc.record({ drop: fc.constantFrom(...KEYS) }),
      fc.record({ key: fc.constantFrom(...KEYS), value: fc.anything() }),
      fc.record({
        key: fc.constantFrom('tokens', 'specials', 'counts'),
        at: fc.nat(9),
        value: fc.oneof(
          fc.string({ maxLength: 3 }),
          fc.integer({ min: -2, max: 3 }),
          fc.double(),
          fc.constant(null),
          fc.constantFrom('the', '<unk>', ''),
        ),
      }),
      fc.record({ key: fc.constantFrom('tokens', 'specials', 'counts'), pop: fc.constant(true) }),
    ),
    { maxLength: 3 },
  )
  .map((edits) => {
    const v = structuredClone(base) as unknown as Record<string, unknown>;
    for (const e of edits) {
      if ('drop' in e) delete v[e.drop];
      else if ('pop' in e) (v[e.key] as unknown[] | undefined)?.pop?.();
      else if ('at' in e) {
        const list = v[e.key];
        if (Array.isArray(list)) list[e.at % (list.length + 1)] = e.value;
      } else v[e.key] = structuredClone(e.value); // generated values are reused while shrinking: never edit them
    }
    return v;
  });

describe('fuzzed vocabulary files', () => {
  const json = new Tally('vocabulary JSON (Vocabulary.fromJSON, mutated fields)');
  const files = new Tally('vocabulary files (loadVocabulary, mutated bytes)');

  it('fromJSON accepts exactly the valid ones, and round-trips them', () => {
    fc.assert(
      fc.property(mutatedJson, (v) => {
        const ok = valid(v);
        json.run(
          () => Vocabulary.fromJSON(v),
          (e) => e instanceof DataFormatError && !ok,
          (vocab) => {
            const o = v as unknown as VocabularyJSON;
            const eq = (a: readonly unknown[], b: readonly unknown[]) =>
              a.length === b.length && a.every((x, i) => x === b[i]);
            return (
              ok &&
              eq(vocab.tokens, o.tokens) &&
              eq(vocab.counts, o.counts) &&
              eq(vocab.specials, o.specials) &&
              vocab.unk === (o.unk ?? null)
            );
          },
        );
      }),
      fuzzParams(1000),
    );
  });

  it('loadVocabulary: any bytes are a vocabulary or a DataFormatError', () => {
    const path = join(dir.path, 'v.json');
    const text = new TextEncoder().encode(JSON.stringify(base));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (sets, cut) => {
          let bytes = text.slice();
          for (const [at, b] of sets) bytes[at % bytes.length] = b;
          if (cut !== undefined) bytes = bytes.slice(0, cut % (bytes.length + 1));
          writeFileSync(path, bytes);
          let parsed: unknown;
          try {
            parsed = JSON.parse(new TextDecoder('utf-8').decode(bytes));
          } catch {
            parsed = undefined;
          }
          const ok = parsed !== undefined && valid(parsed);
          files.run(
            () => loadVocabulary(path),
            (e) => e instanceof DataFormatError && !ok,
            (vocab) => ok && vocab.tokens.join('\u0000') === (parsed as VocabularyJSON).tokens.join('\u0000'),
          );
        },
      ),
      fuzzParams(500),
    );
  });
});

describe('saveVocabulary under faults', () => {
  const vocab = Vocabulary.build(Array.from({ length: 5000 }, (_, i) => `word${i}`));
  const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

  function runWriter(path: string, fileSizeKiB: number): Promise<string> {
    const child = fileURLToPath(new URL('./helpers/save-vocabulary-child.ts', import.meta.url));
    const node = `"${process.execPath}" --import tsx --conditions=@mlblocks/source "${child}" "${path}"`;
    return new Promise((resolve, reject) => {
      const proc = spawn('bash', ['-c', `ulimit -f ${fileSizeKiB} && exec ${node}`], { cwd: packageRoot });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      proc.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      proc.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
    });
  }

  it('a write that fails (EFBIG) leaves the previous file and no temporary file', async () => {
    const folder = join(dir.path, 'efbig');
    mkdirSync(folder);
    const path = join(folder, 'vocab.json');
    saveVocabulary(Vocabulary.build(['a', 'b']), path);
    const before = readFileSync(path, 'utf8');
    expect(await runWriter(path, 16)).toBe('EFBIG'); // ≈ 90 KB of JSON under a 16 KiB cap
    expect(readdirSync(folder)).toEqual(['vocab.json']);
    expect(readFileSync(path, 'utf8')).toBe(before);
  }, 60_000);

  it('temporary files of writers that are gone are removed by the next save; a failed rename leaves nothing', () => {
    const folder = join(dir.path, 'stale');
    mkdirSync(folder);
    const path = join(folder, 'vocab.json');
    writeFileSync(join(folder, '.vocab.json.999999999.0badc0de.tmp'), 'half a file');
    writeFileSync(join(folder, 'vocab.json.123.tmp'), 'not ours');
    saveVocabulary(vocab, path);
    expect(readdirSync(folder).sort()).toEqual(['vocab.json', 'vocab.json.123.tmp']);
    expect(loadVocabulary(path).size).toBe(vocab.size);
    const blocked = join(folder, 'taken');
    mkdirSync(join(blocked, 'sub'), { recursive: true });
    expect(() => saveVocabulary(vocab, blocked)).toThrow();
    expect(readdirSync(folder).sort()).toEqual(['taken', 'vocab.json', 'vocab.json.123.tmp']);
  });
});
