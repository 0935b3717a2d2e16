// Smoke test: the whole app on a tiny corpus, in-process — train (files, metrics, neighbours,
// analogy), then neighbors, analogy, evaluate and plot on what it wrote, and bad input.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWord2Vec } from '@mlblocks/word2vec/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { program, run } from '../src/cli.js';

let dir = '';
const corpusFile = () => join(dir, 'topics.txt');

// three topics; each sentence draws its words from one of them
function topicText(sentences: number): string {
  const topics = [
    ['king', 'queen', 'prince', 'crown', 'throne', 'royal', 'man', 'woman'],
    ['tax', 'budget', 'deficit', 'revenue', 'spending', 'debt', 'taxes', 'income'],
    ['war', 'army', 'battle', 'soldiers', 'navy', 'enemy', 'peace', 'troops'],
  ];
  let x = 5;
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const words: string[] = [];
    for (let w = 0; w < 9; w++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      words.push(topics[s % 3]![(x >>> 8) % 8]!);
    }
    out.push(`${words.join(' ')}.`);
  }
  return out.join(' ');
}

async function cli(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await program((l) => lines.push(l)).parseAsync(args, { from: 'user' });
  return lines;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'word2vec-app-'));
  await writeFile(corpusFile(), topicText(900));
  await writeFile(
    join(dir, 'questions.txt'),
    ': royal\nman woman king queen\ntax taxes war wars\n: gram-x\nking queen man woman\n',
  );
  await writeFile(
    join(dir, 'pairs.tsv'),
    '# w1\tw2\tscore\nking\tqueen\t9\nking\ttax\t2\nwar\tarmy\t8\nwar\tbudget\t1\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = [
  '--dim',
  '16',
  '--epochs',
  '4',
  '--min-count',
  '1',
  '--sample',
  '0',
  '--window',
  '3',
  '--no-progress',
];

describe('word2vec app', () => {
  it('trains, writes vectors.txt/.bin, the projector TSVs and metrics.json, prints neighbours and the analogy', async () => {
    const out = join(dir, 'run');
    const lines = await cli([
      'train',
      '--corpus',
      corpusFile(),
      ...small,
      '--out',
      out,
      '--questions',
      join(dir, 'questions.txt'),
      '--wordsim',
      join(dir, 'pairs.tsv'),
      '--show',
      'king,tax,nothere',
    ]);
    const text = lines.join('\n');
    expect(text).toMatch(/corpus topics\.txt: 8,100 words in 900 sentences; 24 words seen ≥ 1 times/);
    expect(text).toMatch(
      /trained skip-gram \(dim 16, window 3, 5 negatives, alpha 0.025\), 4 epochs in [\d.]+ s: [\d,]+ words\/s/,
    );
    expect(text).toMatch(/analogies \(3CosAdd\): [\d.]+% of 2 covered questions \(coverage 66\.67% of 3\)/);
    expect(text).toMatch(/WordSim-353: Spearman ρ [-\d.]+ on 4 of 4 pairs/);
    expect(text).toMatch(/^nothere: not in the vocabulary$/m);
    const king = lines.find((l) => l.startsWith('king: '))!;
    const royal = ['queen', 'prince', 'crown', 'throne', 'royal', 'man', 'woman'];
    expect(
      king
        .slice(6)
        .split(', ')
        .slice(0, 4)
        .every((n) => royal.includes(n.split(' ')[0]!)),
    ).toBe(true);
    expect(text).toMatch(/^man : woman :: king : \w+ \([\d.]+\)/m);
    expect(readdirSync(out).sort()).toEqual([
      'metadata.tsv',
      'metrics.json',
      'vectors.bin',
      'vectors.tsv',
      'vectors.txt',
    ]);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ corpus: 'topics.txt', tokens: 8100, vocabulary: 24 });
    expect(metrics.speed.wordsPerSecond).toBeGreaterThan(0);
    expect(metrics.speed.wordsPerCpuSecond).toBeGreaterThan(0);
    expect(metrics.analogy).toMatchObject({ covered: 2, questions: 3 });
    expect(metrics.wordsim).toMatchObject({ covered: 4, pairs: 4 });
    // ρ ≥ 0.6 exactly when both related pairs are closer than both unrelated ones
    expect(metrics.wordsim.spearman).toBeGreaterThanOrEqual(0.6);
    const fromText = await loadWord2Vec(join(out, 'vectors.txt'));
    const fromBin = await loadWord2Vec(join(out, 'vectors.bin'));
    expect(fromText.vectors).toEqual(fromBin.vectors);
    expect(readFileSync(join(out, 'metadata.tsv'), 'utf8').split('\n')).toHaveLength(25);
  });

  it('answers neighbors, analogy, evaluate and plot from the files train wrote', async () => {
    const vectors = join(dir, 'run', 'vectors.bin');
    const near = await cli(['neighbors', 'war', '--vectors', vectors, '--top', '3']);
    expect(near[0]).toMatch(/^war: \w+ [\d.]+, \w+ [\d.]+, \w+ [\d.]+$/);
    const analogy = await cli([
      'analogy',
      'man',
      'woman',
      'king',
      '--vectors',
      vectors,
      '--method',
      '3CosMul',
      '--top',
      '2',
    ]);
    expect(analogy[0]).toMatch(/^man : woman :: king : \w+ \([\d.]+\), \w+ \([\d.]+\) {3}\[3CosMul\]$/);
    const evaluation = await cli([
      'evaluate',
      '--vectors',
      vectors,
      '--questions',
      join(dir, 'questions.txt'),
    ]);
    expect(evaluation[0]).toMatch(/^section\s+covered\s+3CosAdd\s+3CosMul$/);
    expect(evaluation.find((l) => l.startsWith('royal'))).toMatch(/^royal\s+1\/2\s/);
    expect(evaluation.at(-1)).toMatch(/^total\s+2\/3\s/);
    const png = join(dir, 'plot.png');
    const plot = await cli([
      'plot',
      'king',
      'queen',
      'man',
      'woman',
      'tax',
      'war',
      'nope',
      '--vectors',
      vectors,
      '--out',
      png,
    ]);
    expect(plot).toContain('not in the vocabulary (left out): nope');
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const svg = readFileSync(join(dir, 'plot.svg'), 'utf8');
    for (const word of ['king', 'queen', 'man', 'woman']) expect(svg).toContain(`>${word}<`);
  });

  it('reports bad input as one typed error line and leaves nothing half-written', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      const empty = join(dir, 'empty.txt');
      await writeFile(empty, '... !!! ???');
      const out = join(dir, 'empty-out');
      await run(['node', 'word2vec', 'train', '--corpus', empty, '--out', out, '--no-progress']);
      expect(errors.at(-1)).toBe("error: prepareCorpus: corpus 'empty.txt' has no words");
      expect(existsSync(out)).toBe(false);
      await run([
        'node',
        'word2vec',
        'train',
        '--corpus',
        corpusFile(),
        '--min-count',
        '10000',
        '--out',
        out,
        '--no-progress',
      ]);
      expect(errors.at(-1)).toMatch(
        /min-count 10000 leaves no word of corpus 'topics.txt' \(8,?100 tokens\)/,
      );
      await run(['node', 'word2vec', 'train', '--corpus', join(dir, 'missing.txt')]);
      expect(errors.at(-1)).toMatch(/no corpus '.*missing\.txt': not 'sotu', 'moby', nor a file or folder/);
      const broken = join(dir, 'broken.txt');
      await writeFile(broken, '2 3\nking 0.1 0.2 0.3\nqueen 0.1 oops 0.3\n');
      await run(['node', 'word2vec', 'neighbors', 'king', '--vectors', broken]);
      expect(errors.at(-1)).toBe(
        `error: parseWord2VecText: broken.txt:3: bad float "oops" (value 2 of 'queen')`,
      );
      const truncated = join(dir, 'truncated.bin');
      const bin = readFileSync(join(dir, 'run', 'vectors.bin'));
      await writeFile(truncated, bin.subarray(0, bin.length - 10));
      await run(['node', 'word2vec', 'analogy', 'a', 'b', 'c', '--vectors', truncated]);
      expect(errors.at(-1)).toMatch(
        /^error: parseWord2VecBinary: truncated\.bin@\d+: truncated: the vector of '\w+' needs 64 bytes, 54 left$/,
      );
      await run([
        'node',
        'word2vec',
        'plot',
        'zz',
        'yy',
        '--vectors',
        join(dir, 'run', 'vectors.bin'),
        '--out',
        join(dir, 'p.png'),
      ]);
      expect(errors.at(-1)).toMatch(/need at least 3 words with vectors, got 0/);
      expect(existsSync(join(dir, 'p.png'))).toBe(false);
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
    }
  });

  it("has the C tool's flags as long options", () => {
    const help = program()
      .commands.find((c) => c.name() === 'train')!
      .helpInformation();
    for (const flag of [
      '--corpus',
      '--arch',
      '--dim',
      '--window',
      '--negative',
      '--hs',
      '--min-count',
      '--sample',
      '--epochs',
      '--alpha',
      '--threads',
      '--seed',
      '--out',
    ]) {
      expect(help).toContain(flag);
    }
  });
});
