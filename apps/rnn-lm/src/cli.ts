import { MODEL_KINDS } from '@mlblocks/rnn-lm';
import { Command, Option } from 'commander';
import {
  addBackendOptions,
  fraction,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  runCommand,
} from 'lesson-kit';
import { levelOf } from './corpus.js';
import { generateFromCheckpoint } from './generate.js';
import {
  DEFAULTS,
  PRESET_NAMES,
  PRESETS,
  type PresetName,
  presetSettings,
  type RunSettings,
} from './presets.js';
import { train } from './train.js';

// Flags a preset sets; given on the command line, they override it (so they have no commander default).
type TrainFlags = Partial<RunSettings> & {
  preset?: PresetName;
  backend: 'cpu' | 'wasm' | 'webgpu' | 'auto';
  seed: number;
  out: string;
  resume: boolean;
  progress: boolean;
};

/** The settings of a run: the preset (or the defaults for its corpus and model), then the flags given. */
export function settingsFrom(flags: TrainFlags): RunSettings {
  const given = Object.fromEntries(
    Object.entries(flags).filter(([k, v]) => v !== undefined && k in DEFAULTS),
  ) as Partial<RunSettings>;
  let base: RunSettings;
  if (flags.preset) base = presetSettings(flags.preset);
  else {
    const level = given.level ?? levelOf(given.corpus ?? DEFAULTS.corpus);
    const model = given.model ?? DEFAULTS.model;
    if (level === 'word')
      base = { ...presetSettings(model === 'window' ? 'sotu-window' : 'sotu-lstm'), minutes: 0 };
    else if (model === 'window')
      base = { ...presetSettings('sotu-window'), level: 'char', corpus: 'shakespeare' };
    else base = DEFAULTS;
  }
  const settings = { ...base, ...given };
  if (given.corpus && !given.level && !flags.preset) settings.level = levelOf(given.corpus);
  return settings;
}

/**
 * The command line: `train` (the default; a char LSTM on Shakespeare for a few minutes) and
 * `generate` from a checkpoint.
 */
export function program(
  log: (line: string) => void = console.log,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Command {
  const cli = new Command('rnn-lm')
    .description(
      'Language models with mlblocks: a fixed-window LM or an RNN/LSTM/GRU LM on words (State of the Union) or characters (Shakespeare), and text generation.',
    )
    .showHelpAfterError();

  const trainCommand = cli
    .command('train', { isDefault: true })
    .description(
      'train a language model: live loss, samples, metrics.jsonl, a perplexity curve and a checkpoint in --out (no flags: a char LSTM on Shakespeare for about 4 minutes)',
    )
    .addOption(
      new Option(
        '--preset <name>',
        "one of the issue's reference runs; other flags override its values",
      ).choices(PRESET_NAMES),
    )
    .addOption(new Option('--model <kind>', `the model (default ${DEFAULTS.model})`).choices(MODEL_KINDS))
    .addOption(
      new Option('--level <level>', 'words or characters (default: words for sotu, else characters)').choices(
        ['word', 'char'],
      ),
    )
    .option(
      '--corpus <name>',
      `sotu (words), shakespeare (../shared/data/tinyshakespeare.txt), moby-dick, or a text file (default ${DEFAULTS.corpus})`,
    )
    .option('--embedding <n>', 'embedding size; 0 = one-hot input (recurrent models)', nonNegativeInt)
    .option('--hidden <n>', 'hidden units per layer', positiveInt)
    .option('--layers <n>', 'stacked recurrent layers', positiveInt)
    .option('--dropout <p>', 'dropout on embeddings, between layers and before the decoder', fraction)
    .option('--tied', 'tie the decoder to the embedding (needs --embedding = --hidden)')
    .option('--context <n>', 'the window model: previous tokens it reads', positiveInt)
    .option(
      '--init-range <r>',
      'U(±r) init of embedding and decoder, decoder bias 0 (0: defaults)',
      nonNegativeNumber,
    )
    .option('--batch-size <n>', 'streams (recurrent) or contexts (window) per step', positiveInt)
    .option('--bptt <n>', 'truncated-BPTT window length', positiveInt)
    .addOption(new Option('--optimizer <name>', 'plain SGD or Adam').choices(['sgd', 'adam']))
    .option('--lr <rate>', 'learning rate', positiveNumber)
    .option('--clip <norm>', 'gradient-norm clipping (0: none)', nonNegativeNumber)
    .option(
      '--plateau <factor>',
      'multiply the LR by this when valid loss stops improving (0: constant)',
      fraction,
    )
    .option('--steps <n>', 'training steps', positiveInt)
    .option('--minutes <m>', 'stop after this many minutes (0: no limit)', nonNegativeNumber)
    .option('--eval-every <n>', 'evaluate, log, checkpoint every n steps', positiveInt)
    .option('--sample-every <n>', 'print a sample every n steps (0: never)', nonNegativeInt)
    .option('--valid-tokens <n>', 'evaluate on the first n valid tokens (0: all)', nonNegativeInt);
  addBackendOptions(
    trainCommand,
    { backend: 'wasm', seed: 0 },
    'seed of the weights, dropout masks, shuffling and samples',
  );
  trainCommand
    .option('--out <dir>', 'metrics.jsonl, perplexity.png/.svg and checkpoint/ go here', 'out/rnn-lm')
    .option('--resume', 'continue from --out/checkpoint with its settings (to --steps)', false)
    .option('--no-progress', 'no progress bar')
    .action(async (flags: TrainFlags) => {
      const settings = settingsFrom(flags);
      await train({
        ...settings,
        seed: flags.seed,
        backend: flags.backend,
        outDir: flags.out,
        resume: flags.resume,
        progress: flags.progress ? 'auto' : false,
        log,
      });
    });

  const generateCommand = cli
    .command('generate')
    .description('continue a prime with a trained model, streaming the tokens')
    .option('--checkpoint <dir>', 'a checkpoint folder, or the --out folder of train', 'out/rnn-lm')
    .option('--prime <text>', 'the text to continue (default: a line break / <eos>)')
    .option('--temperature <t>', '0 = greedy; < 1 sharper, > 1 more random', nonNegativeNumber, 0.8)
    .option('--tokens <n>', 'tokens to generate', positiveInt, 300)
    .option('--top-k <k>', 'sample among the k most likely tokens', positiveInt)
    .option('--top-p <p>', 'nucleus: the most likely tokens with probability mass p', positiveNumber);
  addBackendOptions(generateCommand, { backend: 'wasm', seed: 0 }, 'seed of the sampling');
  generateCommand.action(
    async (flags: {
      checkpoint: string;
      prime?: string;
      temperature: number;
      tokens: number;
      topK?: number;
      topP?: number;
      seed: number;
      backend: 'cpu' | 'wasm' | 'webgpu' | 'auto';
    }) => {
      await generateFromCheckpoint({ ...flags, write, log });
    },
  );
  return cli;
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}

export { PRESETS };
