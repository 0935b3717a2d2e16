import { Command } from 'commander';
import {
  addBackendOptions,
  addEpochOptions,
  addOutputOptions,
  type FlagsOf,
  positiveInt,
  positiveNumber,
  reportWritten,
  runCommand,
  runOptionsFrom,
} from 'lesson-kit';
import { type CompareRunOptions, runComparison } from './compare.js';
import { runLandscape } from './landscape.js';

const OUT = 'out/gradient-descent';

function compareOptions(command: Command): Command {
  addBackendOptions(command, { backend: 'auto', seed: 0 }, 'seed for the order of the mini-batches');
  addEpochOptions(
    command,
    { epochs: 10, batchSize: 256 },
    { epochs: 'passes over the training data, for each method', batchSize: 'mini-batch size of SGD' },
  );
  return command
    .option('--lr <rate>', 'learning rate of both methods', positiveNumber, 0.5)
    .option('--eval-every <n>', 'SGD steps between measurements of the full training loss', positiveInt, 4)
    .option('--data <name>', '"fashion" or a folder of IDX files; default: the embedded MNIST digits')
    .option('--train-size <n>', 'use only the first n training images', positiveInt);
}

type CompareFlags = FlagsOf<CompareRunOptions>;

async function compare(flags: CompareFlags, log: (line: string) => void) {
  return runComparison({ ...runOptionsFrom(flags), log });
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
      reportWritten(log, plots);
    });

  const compareCommand = compareOptions(cli.command('compare')).description(
    'full-batch gradient descent vs mini-batch SGD on MNIST softmax regression: loss against time and examples',
  );
  addOutputOptions(compareCommand, OUT, 'where the plot goes').action(async (flags: CompareFlags) => {
    const { plot } = await compare(flags, log);
    reportWritten(log, [plot]);
  });

  const allCommand = compareOptions(cli.command('all', { isDefault: true }))
    .description('both: the 1-D landscape, then GD vs SGD')
    .option('--steps <n>', 'at most this many steps per 1-D run', positiveInt, 100);
  addOutputOptions(allCommand, OUT, 'where the plots go').action(
    async (flags: CompareFlags & { steps: number }) => {
      const { plots } = await runLandscape({ outDir: flags.out, maxSteps: flags.steps, log });
      const { plot } = await compare(flags, log);
      reportWritten(log, [...plots, plot]);
    },
  );
  return cli;
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}
