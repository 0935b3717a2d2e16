import { Command, Option } from 'commander';
import {
  BACKEND_CHOICES,
  BACKEND_HELP,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
} from 'lesson-kit';
import { DEFAULTS, type TrainOptions } from './options.js';
import { train } from './train.js';
import { computeWorkedExamples, formatWorkedExamples } from './worked-examples.js';

/** The command line: `examples` (the lesson's worked examples) and `train` (the default). */
export function program(): Command {
  const cli = new Command('linear-classifier')
    .description(
      'The linear classifier h(x) = Wx + b: the lesson’s worked examples, then softmax regression on MNIST.',
    )
    .showHelpAfterError();

  cli
    .command('examples')
    .description(
      'print the lesson’s worked examples (scores W·x + b, softmax step by step, cross-entropy), computed by mlblocks',
    )
    .option('--label <index>', 'class index of the label "7" among the three scores', nonNegativeInt, 1)
    .action((flags: { label: number }) => {
      console.log(formatWorkedExamples(computeWorkedExamples(flags.label)));
    });

  cli
    .command('train', { isDefault: true })
    .description('train softmax regression with mini-batch SGD; confusion matrix, templates, learning curves')
    .addOption(
      new Option('--backend <name>', BACKEND_HELP).choices(BACKEND_CHOICES).default(DEFAULTS.backend),
    )
    .option('--seed <n>', 'seed for the initial weights and the shuffling', nonNegativeInt, DEFAULTS.seed)
    .option('--epochs <n>', 'passes over the training data', positiveInt, DEFAULTS.epochs)
    .option('--batch-size <n>', 'images per mini-batch', positiveInt, DEFAULTS.batchSize)
    .option('--lr <rate>', 'learning rate η', positiveNumber, DEFAULTS.lr)
    .addOption(
      new Option('--schedule <name>', 'learning rate over the run: cosine decay to 0, or constant')
        .choices(['cosine', 'constant'])
        .default(DEFAULTS.schedule),
    )
    .option('--momentum <m>', 'SGD momentum (0: plain SGD)', nonNegativeNumber, DEFAULTS.momentum)
    .option(
      '--weight-decay <λ>',
      'L2 regularization through SGD weight decay',
      nonNegativeNumber,
      DEFAULTS.weightDecay,
    )
    .option(
      '--data <folder>',
      '"fashion" (Fashion-MNIST from Debian’s dataset-fashion-mnist) or a folder of IDX files; default: the embedded MNIST digits',
    )
    .option('--train-size <n>', 'use only the first n training images', positiveInt)
    .option('--test-size <n>', 'use only the first n test images', positiveInt)
    .option('--out <folder>', 'where plots and weights go', DEFAULTS.outDir)
    .option('--no-progress', 'no progress bar')
    .action(async (flags: Record<string, unknown>) => {
      const options: Partial<TrainOptions> = { ...flags, outDir: flags.out as string };
      if (flags.progress === true) options.progress = 'auto';
      await train(options);
    });
  return cli;
}

/** Parses `argv` and runs the chosen command. */
export async function run(argv: readonly string[]): Promise<void> {
  await program().parseAsync(argv);
}
