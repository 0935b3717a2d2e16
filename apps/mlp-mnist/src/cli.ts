import { Command, Option } from 'commander';
import {
  BACKEND_CHOICES,
  BACKEND_HELP,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
} from 'lesson-kit';
import { ACTIVATIONS, DEFAULTS, OPTIMIZERS, SCHEDULES, type TrainOptions } from './options.js';
import { predict } from './predict.js';
import { train } from './train.js';

/** The command line: `train` (the default command) and `predict <image.png>`. */
export function program(): Command {
  const cli = new Command('mlp-mnist')
    .description('A multilayer perceptron y = W2·σ(W1·x) on MNIST digits, trained with mlblocks.')
    .showHelpAfterError();

  cli
    .command('train', { isDefault: true })
    .description(
      'train on the embedded MNIST digits (or an IDX folder), plot the learning curves, save the model',
    )
    .addOption(
      new Option('--backend <name>', BACKEND_HELP).choices(BACKEND_CHOICES).default(DEFAULTS.backend),
    )
    .option('--seed <n>', 'seed for the initial weights and the shuffling', nonNegativeInt, DEFAULTS.seed)
    .option('--hidden <n>', 'neurons per hidden layer', positiveInt, DEFAULTS.hidden)
    .option('--layers <n>', 'number of hidden layers', positiveInt, DEFAULTS.layers)
    .addOption(
      new Option('--activation <name>', 'the nonlinearity σ')
        .choices(ACTIVATIONS)
        .default(DEFAULTS.activation),
    )
    .option('--epochs <n>', 'passes over the training data', positiveInt, DEFAULTS.epochs)
    .option('--batch-size <n>', 'images per mini-batch', positiveInt, DEFAULTS.batchSize)
    .addOption(
      new Option('--optimizer <name>', 'the update rule').choices(OPTIMIZERS).default(DEFAULTS.optimizer),
    )
    .option('--lr <rate>', 'learning rate (default 0.002 for adam, 0.1 for sgd)', positiveNumber)
    .addOption(
      new Option('--schedule <name>', 'learning rate over the run: cosine decay to 0, or constant')
        .choices(SCHEDULES)
        .default(DEFAULTS.schedule),
    )
    .option('--momentum <m>', 'momentum of sgd', nonNegativeNumber, DEFAULTS.momentum)
    .option(
      '--augment <pixels>',
      'shift training images randomly by up to this many pixels each epoch (0: off)',
      nonNegativeInt,
      DEFAULTS.augment,
    )
    .option(
      '--data <folder>',
      '"fashion" (Fashion-MNIST from Debian’s dataset-fashion-mnist) or a folder of IDX files; default: the embedded MNIST digits',
    )
    .option('--train-size <n>', 'use only the first n training images', positiveInt)
    .option('--test-size <n>', 'use only the first n test images', positiveInt)
    .option('--out <folder>', 'where plots and the checkpoint go', DEFAULTS.outDir)
    .option('--no-progress', 'no progress bar')
    .action(async (flags: Record<string, unknown>) => {
      const options: Partial<TrainOptions> = { ...flags, outDir: flags.out as string };
      if (flags.progress === true) options.progress = 'auto';
      await train(options);
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

/** Parses `argv` and runs the chosen command. */
export async function run(argv: readonly string[]): Promise<void> {
  await program().parseAsync(argv);
}
