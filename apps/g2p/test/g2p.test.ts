// Smoke test: the app in-process on a small slice of CMUdict — train a tiny model without and with
// attention on the CPU backend (the loss falls; WER/PER, learning curves, attention maps and
// checkpoints are written), pronounce from the checkpoint (same phonemes as the run's own
// decoding), the fixed split, and bad input.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, program } from '../src/cli.js';
import { encodeWord, type G2PData, isTestWord, loadCmudict, stripStress } from '../src/data.js';
import { editDistance, errorRates } from '../src/evaluate.js';
import type { MetricsRecord } from '../src/plot.js';
import { type ModelResult, train } from '../src/train.js';

let dir = '';
let full: G2PData;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'g2p-app-'));
  full = loadCmudict();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('CMUdict', () => {
  it('keeps the first pronunciation of alphabetic words and holds out a fixed 5%', () => {
    const all = [...full.train, ...full.test];
    expect(all.length).toBe(116_503);
    expect(full.dropped).toBe(8_502);
    expect(full.variants).toBe(8_779);
    expect(full.test.length).toBe(5_822);
    expect(full.test.every((e) => isTestWord(e.word))).toBe(true);
    expect(full.train.some((e) => isTestWord(e.word))).toBe(false);
    const hello = all.find((e) => e.word === 'hello')!;
    expect(hello.phonemes).toEqual(['HH', 'AH', 'L', 'OW']);
    expect(all.every((e) => /^[a-z]{1,20}$/.test(e.word))).toBe(true);
    expect(new Set(all.flatMap((e) => e.phonemes)).size).toBe(39);
    expect(stripStress('AH0')).toBe('AH');
  });

  it('rejects spellings it cannot read', () => {
    expect(() => encodeWord('')).toThrow(/empty/);
    expect(() => encodeWord("o'neil")).toThrow(/only the letters a–z/);
    expect(() => encodeWord('a'.repeat(21))).toThrow(/at most 20/);
    expect(encodeWord('Ab')).toEqual([1, 2]);
  });

  it('scores words and phonemes', () => {
    expect(editDistance(['K', 'AE', 'T'], ['K', 'AH', 'T', 'S'])).toBe(2);
    const r = errorRates(
      [
        { word: 'cat', phonemes: ['K', 'AE', 'T'] },
        { word: 'cats', phonemes: ['K', 'AE', 'T', 'S'] },
      ],
      [
        ['K', 'AE', 'T'],
        ['K', 'AE', 'T'],
      ],
    );
    expect(r.wer).toBe(0.5);
    expect(r.per).toBeCloseTo(1 / 7);
  });
});

describe('train and pronounce', () => {
  let results: ModelResult[] = [];
  const lines: string[] = [];
  const out = () => join(dir, 'run');

  it('trains without and with attention and reports WER and PER', async () => {
    const short = (e: { word: string }) => e.word.length <= 6;
    const data: G2PData = {
      train: full.train.filter(short).slice(0, 1500),
      test: full.test.filter(short).slice(0, 40),
      dropped: full.dropped,
      variants: full.variants,
    };
    results = await train({
      ...DEFAULTS,
      attention: ['none', 'dot'],
      embedding: 16,
      hidden: 32,
      batchSize: 32,
      lr: 0.01,
      epochs: 3,
      minutes: 0,
      evalEvery: 20,
      beamWords: 10,
      backend: 'cpu',
      outDir: out(),
      progress: false,
      log: (l) => lines.push(l),
      data,
    });
    expect(results.map((r) => r.attention)).toEqual(['none', 'dot']);
    for (const r of results) {
      expect(r.greedy.words).toBe(40);
      expect(r.beam.words).toBe(10);
      expect(r.greedy.per).toBeLessThan(0.9);
      const records: MetricsRecord[] = readFileSync(join(out(), r.attention, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records.at(-1)!.trainLoss).toBeLessThan(0.75 * records[0]!.trainLoss);
      for (const f of ['model.safetensors', 'g2p.json'])
        expect(existsSync(join(out(), r.attention, f))).toBe(true);
    }
    expect(existsSync(join(out(), 'learning-curves.png'))).toBe(true);
    expect(existsSync(join(out(), 'dot', 'attention', 'knight.svg'))).toBe(true);
    expect(existsSync(join(out(), 'none', 'attention'))).toBe(false);
    expect(lines.join('\n')).toMatch(/\| dot +\| +\d+\.\d\d% \|/);
  }, 240_000);

  it('pronounces from a checkpoint as the run decoded, and rejects bad words', async () => {
    const said: string[] = [];
    await program((l) => said.push(l)).parseAsync(
      [
        'pronounce',
        'knight',
        'phoenix',
        '--checkpoint',
        join(out(), 'dot'),
        '--beam',
        '1',
        '--backend',
        'cpu',
        '--plot',
        join(dir, 'maps'),
      ],
      { from: 'user' },
    );
    const dotLines = lines.slice(lines.findIndex((l) => l.includes('== attention dot')));
    const knight = dotLines.find((l) => l.startsWith('  knight → '))!;
    expect(said[0]).toBe(`knight  ${knight.slice('  knight → '.length)}`);
    expect(existsSync(join(dir, 'maps', 'phoenix.png'))).toBe(true);
    await expect(
      program(() => {}).parseAsync(
        ['pronounce', 'r2d2', '--checkpoint', join(out(), 'dot'), '--backend', 'cpu'],
        {
          from: 'user',
        },
      ),
    ).rejects.toThrow(/"r2d2" has "2"/);
  }, 60_000);
});
