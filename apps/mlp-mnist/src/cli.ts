import { Command, Option } from 'commander';
import {
  addBackendOptions,
  addDataOptions,
  addEpochOptions,
  addOutputOptions,
  addScheduleOption,
  BACKEND_CHOICES,
  BACKEND_HELP,
  type FlagsOf,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  runCommand,
  runOptionsFrom,
} from 'lesson-kit';
import { ACTIVATIONS, DEFAULTS, OPTIMIZERS, type TrainOptions } from './options.js';
import { predict } from './predict.js';
import { train } from './train.js';

/** The command line: `train` (the default command) and `predict <image.png>`. */
export function program(): Command {
  const cli = new Command('mlp-mnist')
    .description('A multilayer perceptron y = W2·σ(W1·x) on MNIST digits, trained with mlblocks.')
    .showHelpAfterError();

  const trainCommand = cli
    .command('train', { isDefault: true })
    .description(
      'train on the embedded MNIST digits (or an IDX folder), plot the learning curves, save the model',
    );
  addBackendOptions(trainCommand, DEFAULTS);
  trainCommand
    .option('--hidden <n>', 'neurons per hidden layer', positiveInt, DEFAULTS.hidden)
    .option('--layers <n>', 'number of hidden layers', positiveInt, DEFAULTS.layers)
    .addOption(
      new Option('--activation <name>', 'the nonlinearity σ')
        .choices(ACTIVATIONS)
        .default(DEFAULTS.activation),
    );
  addEpochOptions(trainCommand, DEFAULTS);
  trainCommand
    .addOption(
      new Option('--optimizer <name>', 'the update rule').choices(OPTIMIZERS).default(DEFAULTS.optimizer),
    )
    .option('--lr <rate>', 'learning rate (default 0.002 for adam, 0.1 for sgd)', positiveNumber);
  addScheduleOption(trainCommand, DEFAULTS.schedule);
  trainCommand
    .option('--momentum <m>', 'momentum of sgd', nonNegativeNumber, DEFAULTS.momentum)
    .option(
      '--augment <pixels>',
      'shift training images randomly by up to this many pixels each epoch (0: off)',
      nonNegativeInt,
      DEFAULTS.augment,
    );
  addDataOptions(trainCommand);
  addOutputOptions(trainCommand, DEFAULTS.outDir, 'where plots and the checkpoint go');
  trainCommand.action(async (flags: FlagsOf<TrainOptions>) => {
    await train(runOptionsFrom(flags));
  });

  cli
    .command('predict')
    .description('classify a PNG of a handwritten digit (any size; converted to 28×28 like MNIST)')
    .argument('<image>', 'a PNG file')
    .option('--model <file>', 'checkpoint written by train', `${DEFAULTS.outDir}/model.safetensors`)
    .addOption(new Option('--backend <name>', BACKEND_HELP).choices(BACKEND_CHOICES).default('cpu'))
    .option('--out <folder>', 'where the 28×28 input image is written', DEFAULTS.outDir)
    .action(
      async (image: string, flags: { model: string; backend: TrainOptions['backend']; out: string }) => {
        await predict({ image, checkpoint: flags.model, backend: flags.backend, outDir: flags.out });
      },
    );
  return cli;
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}
