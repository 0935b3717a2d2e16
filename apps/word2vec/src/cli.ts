import { join } from 'node:path';

import { loadWord2Vec } from '@mlblocks/word2vec/node';
import { Command, InvalidArgumentError, Option } from 'commander';
import { nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, runCommand } from 'lesson-kit';
import { evaluate } from './evaluate.js';
import { DEFAULTS, type TrainOptions } from './options.js';
import { DEFAULT_PLOT_WORDS, plotWords } from './plot.js';
import { printAnalogy, printNeighbors } from './query.js';
import { train } from './train.js';

const VECTORS_HELP = 'a word2vec file, text or binary (default: the binary file train wrote)';
const defaultVectors = join(DEFAULTS.outDir, 'vectors.bin');

function words(value: string): string[] {
  const list = value
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError('expected comma-separated words');
  return list;
}

/**
 * The command line: `train` (the default) with the C tool's flags as long options, then
 * `neighbors`, `analogy`, `evaluate` and `plot` on the vectors it wrote.
 */
export function program(log: (line: string) => void = console.log): Command {
  const cli = new Command('word2vec')
    .description('word2vec with mlblocks: skip-gram and CBOW, trained on the State of the Union by default.')
    .showHelpAfterError();

  cli
    .command('train', { isDefault: true })
    .description(
      'train word vectors, write them (word2vec text + binary, projector TSVs, metrics.json), print neighbours and an analogy',
    )
    .option(
      '--corpus <name>',
      '"sotu" (State of the Union), "moby" (Moby-Dick), or a text file / folder of .txt files',
      DEFAULTS.corpus,
    )
    .addOption(
      new Option('--arch <arch>', 'skip-gram or CBOW (the C tool: -cbow 0|1)')
        .choices(['sg', 'cbow'])
        .default(DEFAULTS.arch),
    )
    .addOption(new Option('--dim <n>', 'vector size (-size)').argParser(positiveInt).default(DEFAULTS.dim))
    .option(
      '--window <n>',
      'largest context distance; each centre word draws 1 … n (-window)',
      positiveInt,
      DEFAULTS.window,
    )
    .option('--negative <n>', 'negative samples (-negative; 0 with --hs)', nonNegativeInt, DEFAULTS.negative)
    .option('--hs', 'hierarchical softmax (-hs 1)', false)
    .option('--min-count <n>', 'ignore words seen fewer times (-min-count)', positiveInt, DEFAULTS.minCount)
    .option('--sample <t>', 'subsampling threshold, 0 = off (-sample)', nonNegativeNumber, DEFAULTS.sample)
    .addOption(
      new Option('--epochs <n>', 'passes over the corpus (-iter)')
        .argParser(positiveInt)
        .default(DEFAULTS.epochs),
    )
    .option('--alpha <rate>', 'starting learning rate (-alpha; default 0.025 sg, 0.05 cbow)', positiveNumber)
    .option(
      '--threads <n>',
      'worker threads, Hogwild (-threads; 1 is reproducible bit for bit)',
      positiveInt,
      DEFAULTS.threads,
    )
    .option('--seed <n>', 'seed of the initial vectors and every random draw', nonNegativeInt, DEFAULTS.seed)
    .addOption(
      new Option('--kernel <name>', 'inner loops: WebAssembly SIMD or Float32Array')
        .choices(['auto', 'wasm', 'js'])
        .default(DEFAULTS.kernel),
    )
    .option('--out <dir>', 'where the vectors and metrics go (-output)', DEFAULTS.outDir)
    .option('--questions <file>', 'questions-words.txt: evaluate analogies after training')
    .option('--wordsim <file>', 'wordsim353.tsv: correlate similarities after training')
    .option('--show <words>', 'words whose neighbours are printed (comma-separated)', words, DEFAULTS.show)
    .option('--no-progress', 'no progress bar')
    .action(
      async (
        flags: Omit<TrainOptions, 'outDir' | 'progress' | 'log'> & { out: string; progress: boolean },
      ) => {
        const { out, progress, ...rest } = flags;
        await train({ ...rest, outDir: out, progress: progress ? 'auto' : false, log });
      },
    );

  cli
    .command('neighbors')
    .description('the nearest neighbours (cosine) of each word')
    .argument('<words...>', 'words')
    .option('--vectors <file>', VECTORS_HELP, defaultVectors)
    .option('--top <n>', 'how many neighbours', positiveInt, 10)
    .action(async (list: string[], flags: { vectors: string; top: number }) => {
      printNeighbors(await loadWord2Vec(flags.vectors), list, flags.top, log);
    });

  cli
    .command('analogy')
    .description('a : b :: c : ? (question words excluded from the answers)')
    .argument('<a>')
    .argument('<b>')
    .argument('<c>')
    .option('--vectors <file>', VECTORS_HELP, defaultVectors)
    .addOption(
      new Option('--method <name>', 'how answers are ranked')
        .choices(['3CosAdd', '3CosMul'])
        .default('3CosAdd'),
    )
    .option('--top <n>', 'how many answers', positiveInt, 5)
    .action(
      async (
        a: string,
        b: string,
        c: string,
        flags: { vectors: string; method: '3CosAdd' | '3CosMul'; top: number },
      ) => {
        printAnalogy(await loadWord2Vec(flags.vectors), [a, b, c], flags.method, flags.top, log);
      },
    );

  cli
    .command('evaluate')
    .description(
      'analogy accuracy per section (3CosAdd, 3CosMul) with coverage, and Spearman ρ on word pairs',
    )
    .option('--vectors <file>', VECTORS_HELP, defaultVectors)
    .option('--questions <file>', 'a file in the questions-words format')
    .option('--wordsim <file>', 'a file in the WordSim-353 format')
    .action(async (flags: { vectors: string; questions?: string; wordsim?: string }) => {
      if (!flags.questions && !flags.wordsim)
        throw new InvalidArgumentError('give --questions and/or --wordsim');
      await evaluate(await loadWord2Vec(flags.vectors), flags, log);
    });

  cli
    .command('plot')
    .description('a 2-D scatter (PNG + SVG) of chosen words, with the man → woman and king → queen arrows')
    .argument(
      '[words...]',
      'words to plot (default: man, woman, king, queen and countries with their capitals)',
    )
    .option('--vectors <file>', VECTORS_HELP, defaultVectors)
    .addOption(new Option('--method <name>', 'projection').choices(['pca', 'umap']).default('pca'))
    .option(
      '--out <file>',
      'the PNG to write (an SVG is written beside it)',
      join(DEFAULTS.outDir, 'plot.png'),
    )
    .action(async (list: string[], flags: { vectors: string; method: 'pca' | 'umap'; out: string }) => {
      const chosen = list.length > 0 ? list : DEFAULT_PLOT_WORDS;
      const result = await plotWords(await loadWord2Vec(flags.vectors), chosen, {
        path: flags.out,
        method: flags.method,
      });
      if (result.missing.length > 0) log(`not in the vocabulary (left out): ${result.missing.join(', ')}`);
      log(`wrote ${result.png}, ${result.svg}`);
    });
  return cli;
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}
