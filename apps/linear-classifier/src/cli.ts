import { Command } from 'commander';
import {
  addBackendOptions,
  addDataOptions,
  addEpochOptions,
  addOutputOptions,
  addScheduleOption,
  type FlagsOf,
  nonNegativeInt,
  nonNegativeNumber,
  positiveNumber,
  runCommand,
  runOptionsFrom,
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

  const trainCommand = cli
    .command('train', { isDefault: true })
    .description(
      'train softmax regression with mini-batch SGD; confusion matrix, templates, learning curves',
    );
  addBackendOptions(trainCommand, DEFAULTS);
  addEpochOptions(trainCommand, DEFAULTS);
  trainCommand.option('--lr <rate>', 'learning rate η', positiveNumber, DEFAULTS.lr);
  addScheduleOption(trainCommand, DEFAULTS.schedule);
  trainCommand
    .option('--momentum <m>', 'SGD momentum (0: plain SGD)', nonNegativeNumber, DEFAULTS.momentum)
    .option(
      '--weight-decay <λ>',
      'L2 regularization through SGD weight decay',
      nonNegativeNumber,
      DEFAULTS.weightDecay,
    );
  addDataOptions(trainCommand);
  addOutputOptions(trainCommand, DEFAULTS.outDir, 'where plots and weights go');
  trainCommand.action(async (flags: FlagsOf<TrainOptions>) => {
    await train(runOptionsFrom(flags));
  });
  return cli;
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}
