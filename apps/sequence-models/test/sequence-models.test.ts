// Smoke test: both tasks end to end (data, split, vocabularies, baseline, recurrent classifier,
// report, plots, checkpoint) with tiny settings, in-process.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../src/cli.js';
import { loadNames, splitByHash } from '../src/data.js';
import { characterNgrams } from '../src/features.js';
import { runTask, type TaskOptions } from '../src/tasks.js';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'sequence-models-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const tiny = (task: 'names' | 'spam', lines: string[]): TaskOptions => ({
  task,
  backend: 'cpu',
  seed: 3,
  epochs: 3,
  baselineEpochs: 2,
  batchSize: 32,
  lr: 0.02,
  cell: 'gru',
  hidden: 8,
  embedding: 8,
  layers: 1,
  bidirectional: true,
  pooling: 'last',
  dropout: 0,
  maxLength: 20,
  trainSize: 160,
  predict: ['maria'],
  outDir: out,
  progress: false,
  log: (line) => lines.push(line),
});

describe('sequence-models', () => {
  it('names: drops the names in both lists, splits by hash, and n-grams mark the ends', () => {
    const data = loadNames();
    expect(data.note).toMatch(/^8003 names; 419 that are in both lists/);
    const again = splitByHash(data.examples);
    expect(again.test.length).toBeGreaterThan(700);
    expect(splitByHash(data.examples).test.map((e) => e.text)).toEqual(again.test.map((e) => e.text));
    expect(characterNgrams('ann')).toEqual(['a', 'n', 'n', '^a', 'an', 'nn', 'n$', '^an', 'ann', 'nn$']);
  });

  it('names: trains the baseline and a recurrent classifier whose loss falls; reproducible with a seed', async () => {
    const lines: string[] = [];
    const result = await runTask(tiny('names', lines));
    const losses = lines
      .filter((l) => l.startsWith('recurrent epoch'))
      .map((l) => Number(/train loss ([\d.]+)/.exec(l)![1]));
    expect(losses).toHaveLength(3);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    expect(result.recurrent.accuracy).toBeGreaterThan(0.6); // the majority class (female) is 56% of the test names
    expect(result.table).toMatch(/\| bag-of-features baseline \|/);
    for (const f of result.files) expect(existsSync(typeof f === 'string' ? f : f.png)).toBe(true);
    const { metadata } = await loadSafetensors(join(out, 'names', 'model.safetensors'));
    expect(JSON.parse(metadata.config!).cell).toBe('gru');
    const again = await runTask(tiny('names', []));
    expect(again.predictions).toEqual(result.predictions);
  });

  it('spam: bodies of emails, word level, from the command line', async () => {
    const lines: string[] = [];
    await program((l) => lines.push(l)).parseAsync([
      'node',
      'sequence-models',
      'spam',
      '--backend',
      'cpu',
      '--epochs',
      '1',
      '--baseline-epochs',
      '1',
      '--hidden',
      '8',
      '--embedding',
      '8',
      '--max-length',
      '30',
      '--train-size',
      '120',
      '--no-progress',
      '--out',
      out,
    ]);
    expect(lines[0]).toMatch(/^spam: 6046 emails \(1896 spam, 4150 ham\), bodies only; 120 train/);
    expect(lines.join('\n')).toMatch(/precision \(spam\)/);
    expect(existsSync(join(out, 'spam', 'model.safetensors'))).toBe(true);
  });
});
