import { Command, Option } from 'commander';
import {
  BACKEND_CHOICES,
  BACKEND_HELP,
  type BackendChoice,
  nonNegativeInt,
  positiveInt,
  positiveNumber,
} from 'lesson-kit';
import { runComparison } from './compare.js';
import { runLandscape } from './landscape.js';

const OUT = 'out/gradient-descent';

interface CompareFlags {
  backend: BackendChoice;
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  evalEvery: number;
  data?: string;
  trainSize?: number;
  out: string;
  progress: boolean;
}

function compareOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', BACKEND_HELP).choices(BACKEND_CHOICES).default('auto'))
    .option('--seed <n>', 'seed for the order of the mini-batches', nonNegativeInt, 0)
    .option('--epochs <n>', 'passes over the training data, for each method', positiveInt, 10)
    .option('--batch-size <n>', 'mini-batch size of SGD', positiveInt, 256)
    .option('--lr <rate>', 'learning rate of both methods', positiveNumber, 0.5)
    .option('--eval-every <n>', 'SGD steps between measurements of the full training loss', positiveInt, 4)
    .option('--data <name>', '"fashion" or a folder of IDX files; default: the embedded MNIST digits')
    .option('--train-size <n>', 'use only the first n training images', positiveInt);
}

async function compare(flags: CompareFlags, log: (line: string) => void) {
  return runComparison({
    ...flags,
    outDir: flags.out,
    progress: flags.progress ? 'auto' : false,
    log,
  });
}

/** The command line: `landscape`, `compare`, and `all` (both; the default). */
export function program(log: (line: string) => void = (line) => console.log(line)): Command {
  const cli = new Command('gradient-descent')
    .description(
      'Gradient descent: learning rate and initialization on a 1-D loss; full-batch GD vs mini-batch SGD on MNIST.',
    )
    .showHelpAfterError();

  cli
    .command('landscape')
    .description(
      'gradient descent on a 1-D loss with a local and a global minimum, for the lesson’s learning rates and starting points',
    )
    .option('--steps <n>', 'at most this many steps per run', positiveInt, 100)
    .option('--out <folder>', 'where the plots go', OUT)
    .action(async (flags: { steps: number; out: string }) => {
      const { plots } = await runLandscape({ outDir: flags.out, maxSteps: flags.steps, log });
      log(`\nwrote\n${plots.map((p) => `  ${p.png}\n  ${p.svg}`).join('\n')}`);
    });

  compareOptions(cli.command('compare'))
    .description(
      'full-batch gradient descent vs mini-batch SGD on MNIST softmax regression: loss against time and examples',
    )
    .option('--out <folder>', 'where the plot goes', OUT)
    .option('--no-progress', 'no progress bar')
    .action(async (flags: CompareFlags) => {
      const { plot } = await compare(flags, log);
      log(`\nwrote\n  ${plot.png}\n  ${plot.svg}`);
    });

  compareOptions(cli.command('all', { isDefault: true }))
    .description('both: the 1-D landscape, then GD vs SGD')
    .option('--steps <n>', 'at most this many steps per 1-D run', positiveInt, 100)
    .option('--out <folder>', 'where the plots go', OUT)
    .option('--no-progress', 'no progress bar')
    .action(async (flags: CompareFlags & { steps: number }) => {
      const { plots } = await runLandscape({ outDir: flags.out, maxSteps: flags.steps, log });
      const { plot } = await compare(flags, log);
      log(`\nwrote\n${[...plots, plot].map((p) => `  ${p.png}\n  ${p.svg}`).join('\n')}`);
    });
  return cli;
}

/** Parses `argv` and runs the chosen command. */
export async function run(argv: readonly string[]): Promise<void> {
  await program().parseAsync(argv);
}
