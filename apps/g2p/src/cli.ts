import { ATTENTION_KINDS, type AttentionKind, SEQ2SEQ_CELLS } from '@mlblocks/rnn-lm';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  addBackendOptions,
  type BackendChoice,
  fraction,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  runCommand,
} from 'lesson-kit';
import { benchmark } from './bench.js';
import { pronounce } from './pronounce.js';
import { type TrainSettings, train } from './train.js';

/** The defaults of `train`: a short run (about 2 minutes per model) that already shows the results. */
export const DEFAULTS: TrainSettings = {
  attention: ['none', 'dot'],
  cell: 'lstm',
  embedding: 64,
  hidden: 128,
  bidirectional: true,
  dropout: 0,
  batchSize: 64,
  lr: 0.003,
  clip: 5,
  epochs: 10,
  minutes: 2,
  evalEvery: 500,
  beam: 5,
  beamWords: 500,
  stress: false,
  trainWords: 0,
  seed: 0,
};

function attentionList(value: string): AttentionKind[] {
  const kinds = value.split(',').map((s) => s.trim());
  for (const k of kinds) {
    if (!ATTENTION_KINDS.includes(k as AttentionKind)) {
      throw new InvalidArgumentError(`expected a comma-separated list of ${ATTENTION_KINDS.join(', ')}`);
    }
  }
  return kinds as AttentionKind[];
}

/** The command line: `train` (default), `pronounce WORD…`. */
export function program(log: (line: string) => void = console.log): Command {
  const cli = new Command('g2p')
    .description(
      'Grapheme-to-phoneme with a seq2seq model on CMUdict: spelling → ARPAbet phonemes, with and without attention.',
    )
    .showHelpAfterError();
  const d = DEFAULTS;
  const trainCommand = cli
    .command('train', { isDefault: true })
    .description(
      'train one encoder–decoder per --attention kind, report WER and PER on the held-out 5% (greedy and beam), write learning curves, attention maps and checkpoints (no flags: about 2 minutes per model)',
    )
    .option(
      '--attention <kinds>',
      `comma-separated: ${ATTENTION_KINDS.join(', ')}`,
      attentionList,
      d.attention,
    )
    .addOption(new Option('--cell <kind>', 'recurrent cell').choices(SEQ2SEQ_CELLS).default(d.cell))
    .option('--embedding <n>', 'letter and phoneme embedding size', positiveInt, d.embedding)
    .option('--hidden <n>', 'decoder hidden units (the encoder: half per direction)', positiveInt, d.hidden)
    .option('--no-bidirectional', 'read the spelling forwards only')
    .option('--dropout <p>', 'dropout on embeddings and the decoder output', fraction, d.dropout)
    .option('--batch-size <n>', 'words per step', positiveInt, d.batchSize)
    .option(
      '--lr <rate>',
      'Adam learning rate (halved when validation WER stops improving)',
      positiveNumber,
      d.lr,
    )
    .option('--clip <norm>', 'gradient-norm clipping (0: none)', nonNegativeNumber, d.clip)
    .option('--epochs <n>', 'passes over the training words per model', positiveInt, d.epochs)
    .option('--minutes <m>', 'training time per model (0: no limit)', nonNegativeNumber, d.minutes)
    .option(
      '--eval-every <n>',
      'validation WER, metrics line and checkpoint every n steps',
      positiveInt,
      d.evalEvery,
    )
    .option('--beam <k>', 'beam width of the final evaluation', positiveInt, d.beam)
    .option(
      '--beam-words <n>',
      'held-out words decoded with beam search (0: all)',
      nonNegativeInt,
      d.beamWords,
    )
    .option('--stress', 'keep the vowels’ stress digits (69 phonemes instead of 39)', d.stress)
    .option('--train-words <n>', 'train on the first n words only (0: all)', nonNegativeInt, d.trainWords);
  addBackendOptions(
    trainCommand,
    { backend: 'auto', seed: d.seed },
    'seed of the weights, the batches and dropout',
  );
  trainCommand
    .option('--out <dir>', 'learning curves, results.json and one folder per model go here', 'out/g2p')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: TrainSettings & { backend: BackendChoice; out: string; progress: boolean }) => {
      const { out, progress, backend, ...settings } = flags;
      await train({ ...settings, backend, outDir: out, progress: progress ? 'auto' : false, log });
    });

  const pronounceCommand = cli
    .command('pronounce')
    .description(
      'print the phonemes of any spelling with a trained model (and its attention maps with --plot)',
    )
    .argument('<words...>', 'spellings (letters a–z)')
    .option('--checkpoint <dir>', 'a model folder written by train', 'out/g2p/dot')
    .option('--beam <k>', 'beam width (1: greedy)', positiveInt, 5)
    .option('--plot <dir>', 'write an attention heat map per word here (models with attention)');
  addBackendOptions(pronounceCommand, { backend: 'wasm', seed: 0 });
  pronounceCommand.action(
    async (
      words: string[],
      flags: { checkpoint: string; beam: number; plot?: string; backend: BackendChoice },
    ) => {
      await pronounce({
        words,
        checkpoint: flags.checkpoint,
        beam: flags.beam,
        backend: flags.backend,
        plotDir: flags.plot,
        log,
      });
    },
  );

  cli
    .command('bench')
    .description('training speed (words/s, phonemes/s) of the default model per backend on CMUdict batches')
    .option('--backends <list>', 'comma-separated: cpu, wasm, webgpu, auto', 'cpu,wasm')
    .option(
      '--attention <kinds>',
      `comma-separated: ${ATTENTION_KINDS.join(', ')}`,
      attentionList,
      d.attention,
    )
    .option('--hidden <n>', 'decoder hidden units', positiveInt, d.hidden)
    .option('--embedding <n>', 'embedding size', positiveInt, d.embedding)
    .option('--batch-size <n>', 'words per step', positiveInt, d.batchSize)
    .option('--seconds <s>', 'measured time per backend and attention kind', positiveNumber, 20)
    .option('--warmup <n>', 'steps before measuring', nonNegativeInt, 3)
    .action(
      async (flags: {
        backends: string;
        attention: AttentionKind[];
        hidden: number;
        embedding: number;
        batchSize: number;
        seconds: number;
        warmup: number;
      }) => {
        const backends = flags.backends.split(',').map((b) => b.trim()) as BackendChoice[];
        for (const b of backends) {
          if (!['cpu', 'wasm', 'webgpu', 'auto'].includes(b))
            throw new InvalidArgumentError(`unknown backend '${b}'`);
        }
        await benchmark({ ...flags, backends, log });
      },
    );
  return cli;
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}
