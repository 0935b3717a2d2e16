import { MlBlocksError } from '@mlblocks/core-tensor';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES, BACKEND_HELP, type BackendChoice } from './backend.js';

/** What every lesson's training command fills from its flags besides the lesson's own settings. */
export interface RunOptions {
  backend: BackendChoice;
  /** `'fashion'` or a folder of IDX files (MNIST, Fashion-MNIST, …); undefined: the embedded MNIST digits. */
  data?: string;
  /** Use only the first n training / test images (undefined: all). */
  trainSize?: number;
  testSize?: number;
  /** Folder for plots and checkpoints. */
  outDir: string;
  /** Progress bar: on a terminal only ('auto'), always, or never. */
  progress: boolean | 'auto';
  /** Where lines of the report go (default console.log). */
  log: (line: string) => void;
}

/** Commander argument parser for a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Commander argument parser for a non-negative integer option (e.g. a seed). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0)) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

/** Commander argument parser for a positive number option (e.g. a learning rate). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** Commander argument parser for a number ≥ 0 (e.g. momentum, weight decay). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** Commander argument parser for a number in [0, 1). */
export function fraction(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

/** A fraction as a percentage with two decimals: 0.9715 → "97.15%". */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** Seconds with one decimal, or milliseconds under a second. */
export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// The flags the lessons' training commands share, in groups so that each command keeps its own
// order in --help (its lesson's flags go between them).

/** `--backend cpu|wasm|webgpu|auto` and `--seed`. */
export function addBackendOptions(
  command: Command,
  defaults: { backend: BackendChoice; seed: number },
  seedHelp = 'seed for the initial weights and the shuffling',
): Command {
  return command
    .addOption(
      new Option('--backend <name>', BACKEND_HELP).choices(BACKEND_CHOICES).default(defaults.backend),
    )
    .option('--seed <n>', seedHelp, nonNegativeInt, defaults.seed);
}

/** `--epochs` and `--batch-size`. */
export function addEpochOptions(
  command: Command,
  defaults: { epochs: number; batchSize: number },
  help = { epochs: 'passes over the training data', batchSize: 'images per mini-batch' },
): Command {
  return command
    .option('--epochs <n>', help.epochs, positiveInt, defaults.epochs)
    .option('--batch-size <n>', help.batchSize, positiveInt, defaults.batchSize);
}

/** The learning rate over a run: cosine decay to 0 (per step), or constant. */
export type Schedule = 'cosine' | 'constant';
export const SCHEDULES: readonly Schedule[] = ['cosine', 'constant'];

/** `--schedule cosine|constant`: the learning rate over the run. */
export function addScheduleOption(command: Command, schedule: Schedule): Command {
  return command.addOption(
    new Option('--schedule <name>', 'learning rate over the run: cosine decay to 0, or constant')
      .choices(SCHEDULES)
      .default(schedule),
  );
}

/** `--data`, `--train-size` and `--test-size` (read by `loadImageData`). */
export function addDataOptions(command: Command): Command {
  return command
    .option(
      '--data <folder>',
      '"fashion" (Fashion-MNIST from Debian’s dataset-fashion-mnist) or a folder of IDX files; default: the embedded MNIST digits',
    )
    .option('--train-size <n>', 'use only the first n training images', positiveInt)
    .option('--test-size <n>', 'use only the first n test images', positiveInt);
}

/** `--out <folder>` and `--no-progress`. */
export function addOutputOptions(command: Command, outDir: string, outHelp: string): Command {
  return command.option('--out <folder>', outHelp, outDir).option('--no-progress', 'no progress bar');
}

/** The flags a training command parses into run options `O` (see `runOptionsFrom`). */
export type FlagsOf<O extends RunOptions> = Omit<O, 'outDir' | 'progress' | 'log'> & {
  out: string;
  progress: boolean;
};

/**
 * A command's parsed flags as run options: `--out` becomes `outDir`, and the progress bar is
 * shown on a terminal only ('auto') unless `--no-progress` turned it off.
 */
export function runOptionsFrom<F extends { out: string; progress: boolean }>(
  flags: F,
): Omit<F, 'out' | 'progress'> & Pick<RunOptions, 'outDir' | 'progress'> {
  const { out, progress, ...rest } = flags;
  return { ...rest, outDir: out, progress: progress ? 'auto' : false };
}

/**
 * Parses `argv` with `command` and runs the chosen action. mlblocks' typed errors (a bad file, a
 * shape that does not fit) and invalid flag values print as one `error: …` line with exit code 1,
 * not as a stack trace; anything else is a bug and is rethrown.
 */
export async function runCommand(command: Command, argv: readonly string[]): Promise<void> {
  try {
    await command.parseAsync(argv);
  } catch (error) {
    if (error instanceof MlBlocksError || error instanceof InvalidArgumentError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
