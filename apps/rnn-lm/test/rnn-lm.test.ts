// Smoke test: the app in-process on a tiny text — train each kind of model for a few steps on the
// CPU backend (perplexity falls; metrics.jsonl, the curve and the checkpoint are written), resume,
// generate reproducibly from the checkpoint, and bad input.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program, settingsFrom } from '../src/cli.js';
import type { MetricsRecord } from '../src/train.js';

let dir = '';
const textFile = () => join(dir, 'toy.txt');

function toyText(sentences: number): string {
  const parts = [
    ['the cat', 'a dog', 'the bird', 'my friend'],
    ['sat on', 'ran to', 'looked at', 'jumped over'],
    ['the mat.', 'a tree.', 'the house.', 'the river.'],
  ];
  let x = 11;
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(parts.map((p, j) => p[(x >>> (8 * j + 4)) % 4]).join(' '));
  }
  return out.join(' ');
}

async function cli(args: string[]): Promise<{ lines: string[]; text: string }> {
  const lines: string[] = [];
  let text = '';
  await program(
    (l) => lines.push(l),
    (t) => {
      text += t;
    },
  ).parseAsync(args, { from: 'user' });
  return { lines, text };
}

const records = (out: string): MetricsRecord[] =>
  readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-lm-app-'));
  await writeFile(textFile(), toyText(300));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tiny = ['--hidden', '24', '--layers', '1', '--steps', '24', '--eval-every', '8', '--sample-every', '0'];
const common = ['--backend', 'cpu', '--no-progress', '--seed', '1'];

describe.each([
  [
    'window',
    [
      '--model',
      'window',
      '--level',
      'word',
      '--embedding',
      '8',
      '--context',
      '3',
      '--batch-size',
      '32',
      '--lr',
      '0.01',
    ],
  ],
  ['rnn', ['--model', 'rnn', '--batch-size', '8', '--bptt', '16', '--lr', '0.01']],
  ['lstm', ['--model', 'lstm', '--batch-size', '8', '--bptt', '16', '--lr', '0.02']],
  [
    'gru',
    [
      '--model',
      'gru',
      '--level',
      'word',
      '--embedding',
      '16',
      '--batch-size',
      '4',
      '--bptt',
      '8',
      '--lr',
      '0.02',
    ],
  ],
])('train --model %s', (kind, flags) => {
  it('lowers valid perplexity and writes metrics, the curve and a checkpoint; generate repeats with a seed', async () => {
    const out = join(dir, kind);
    const { lines } = await cli([
      'train',
      '--corpus',
      textFile(),
      ...tiny,
      ...flags,
      ...common,
      '--out',
      out,
    ]);
    const r = records(out);
    expect(r.map((x) => x.step)).toEqual([8, 16, 24]);
    expect(r[2]!.validPerplexity).toBeLessThan(r[0]!.validPerplexity);
    expect(lines.some((l) => l.startsWith('step 24/24 | train loss'))).toBe(true);
    for (const f of [
      'perplexity.png',
      'perplexity.svg',
      'checkpoint/model.safetensors',
      'checkpoint/vocab.json',
    ]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const gen = ['generate', '--checkpoint', out, '--tokens', '30', '--backend', 'cpu', '--seed', '7'];
    const a = await cli(gen);
    const b = await cli(gen);
    const c = await cli([...gen.slice(0, -1), '8']);
    expect(a.text).toBe(b.text);
    expect(a.text.trim().length).toBeGreaterThan(0);
    expect(c.text).not.toBe(a.text);
  });
});

describe('train', () => {
  it('resumes from the checkpoint to more steps', async () => {
    const out = join(dir, 'lstm');
    const args = [
      'train',
      '--corpus',
      textFile(),
      ...tiny,
      '--model',
      'lstm',
      '--batch-size',
      '8',
      '--bptt',
      '16',
      '--lr',
      '0.02',
      ...common,
      '--out',
      out,
    ];
    await cli([...args.map((a) => (a === '24' ? '32' : a)), '--resume']);
    expect(records(out).map((x) => x.step)).toEqual([8, 16, 24, 32]);
  });

  it.skipIf(process.env.CI !== 'true' && !existsSync('/usr/share/vulkan/icd.d/lvp_icd.json'))(
    'trains, checkpoints and resumes on WebGPU (lavapipe in CI)',
    async () => {
      const out = join(dir, 'gpu');
      const args = ['train', '--corpus', textFile(), '--model', 'gru', '--hidden', '16', '--layers', '1'];
      const rest = [
        '--batch-size',
        '8',
        '--bptt',
        '12',
        '--eval-every',
        '4',
        '--sample-every',
        '0',
        '--no-progress',
      ];
      const run = (steps: string, ...extra: string[]) =>
        cli([
          ...args,
          ...rest,
          '--steps',
          steps,
          '--backend',
          'webgpu',
          '--seed',
          '1',
          '--out',
          out,
          ...extra,
        ]);
      const { lines } = await run('8');
      expect(lines.join('\n')).toMatch(/WebGPU/);
      await run('12', '--resume');
      const r = records(out);
      expect(r.map((x) => x.step)).toEqual([4, 8, 12]);
      expect(r[2]!.validLoss).toBeLessThan(r[0]!.validLoss);
      expect(existsSync(join(out, 'checkpoint', 'trainer.json'))).toBe(true);
    },
    120_000,
  );

  it('presets give the issue’s settings; flags override them', () => {
    const base = { backend: 'wasm' as const, seed: 0, out: 'o', resume: false, progress: false };
    expect(settingsFrom({ ...base, preset: 'sotu-lstm' })).toMatchObject({
      model: 'lstm',
      corpus: 'sotu',
      embedding: 200,
      hidden: 200,
      layers: 2,
      dropout: 0.2,
      initRange: 0.1,
      batchSize: 20,
      bptt: 35,
      optimizer: 'sgd',
      lr: 20,
      clip: 0.25,
      steps: 882,
      validTokens: 0,
      minutes: 0,
    });
    expect(settingsFrom({ ...base, preset: 'shakespeare-rnn', steps: 10 })).toMatchObject({
      model: 'rnn',
      steps: 10,
      hidden: 256,
    });
    expect(settingsFrom(base)).toMatchObject({
      model: 'lstm',
      level: 'char',
      corpus: 'shakespeare',
      minutes: 4,
    });
    expect(settingsFrom({ ...base, corpus: 'sotu', model: 'window' })).toMatchObject({
      level: 'word',
      context: 4,
      lr: 1e-3,
    });
  });

  it('stops on a NaN loss naming the step, and leaves the last good checkpoint in --out', async () => {
    const out = join(dir, 'nan');
    const args = [
      'train',
      '--corpus',
      textFile(),
      ...tiny,
      '--model',
      'rnn',
      '--batch-size',
      '8',
      '--bptt',
      '16',
      ...common,
      '--out',
      out,
    ];
    await cli([...args, '--lr', '0.01', '--steps', '8']);
    const good = readFileSync(join(out, 'checkpoint', 'model.safetensors'));
    await expect(
      cli([...args, '--lr', '1e38', '--optimizer', 'adam', '--clip', '0', '--steps', '16']),
    ).rejects.toThrow(/at step \d+ .*lower learning rate/);
    expect(readFileSync(join(out, 'checkpoint', 'model.safetensors')).equals(good)).toBe(true);
  });
});

describe('generate', () => {
  it('refuses a prime with characters the model never saw', async () => {
    await expect(
      cli(['generate', '--checkpoint', join(dir, 'rnn'), '--prime', 'the cat§', '--backend', 'cpu']),
    ).rejects.toThrow(/"§" \(at position 7\)/);
  });
});
