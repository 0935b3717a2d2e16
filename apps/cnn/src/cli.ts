import { Command, InvalidArgumentError, Option } from 'commander';
import {
  addBackendOptions,
  addDataOptions,
  addEpochOptions,
  addOutputOptions,
  addScheduleOption,
  type FlagsOf,
  nonNegativeInt,
  positiveInt,
  positiveNumber,
  type RunOptions,
  runCommand,
  runOptionsFrom,
} from 'lesson-kit';
import { explain } from './explain.js';
import { NETS } from './net.js';
import { EXPLAIN_DEFAULTS, TRAIN_DEFAULTS, type TrainOptions } from './options.js';
import { train } from './train.js';
import { TRANSFER_DEFAULTS, type TransferOptions, transfer } from './transfer.js';
import { IMAGE_TRANSFER_DEFAULTS, transferImages } from './transfer-images.js';
import { ZOO_DEFAULTS, type ZooOptions, zoo } from './zoo.js';

/** The command line: `train` (the default), `explain`, `zoo`, `transfer`. */
export function program(): Command {
  const cli = new Command('cnn')
    .description(
      'Convolutional networks with mlblocks: the convolution explained, LeNet-5 trained, the model zoo, transfer learning.',
    )
    .showHelpAfterError();

  const trainCommand = cli
    .command('train', { isDefault: true })
    .description(
      'train LeNet-5 on the embedded MNIST digits (or Fashion-MNIST, or an IDX folder): curves, confusion matrix, filters, feature maps, checkpoint',
    );
  addBackendOptions(trainCommand, TRAIN_DEFAULTS);
  trainCommand.addOption(
    new Option(
      '--net <name>',
      'lenet5 (ReLU, max pooling, batch norm) or lenet5-classic (tanh, average pooling)',
    )
      .choices(NETS)
      .default(TRAIN_DEFAULTS.net),
  );
  addEpochOptions(trainCommand, TRAIN_DEFAULTS);
  trainCommand.option('--lr <rate>', "Adam's learning rate", positiveNumber, TRAIN_DEFAULTS.lr);
  addScheduleOption(trainCommand, TRAIN_DEFAULTS.schedule);
  trainCommand
    .option(
      '--shift <pixels>',
      'shift training images randomly by up to this many pixels each epoch (0: off; default 2, Fashion-MNIST 1)',
      nonNegativeInt,
    )
    .option('--flip', 'mirror training images left-right at random (default: on for Fashion-MNIST)')
    .option('--no-flip', 'never mirror');
  addDataOptions(trainCommand);
  addOutputOptions(trainCommand, TRAIN_DEFAULTS.outDir, 'where plots and the checkpoint go');
  trainCommand.action(async (flags: FlagsOf<TrainOptions>) => {
    await train(runOptionsFrom(flags));
  });

  const explainCommand = cli
    .command('explain')
    .description(
      'the convolution, step by step: seven loops vs the fast kernel, the output-size rule, padding, pooling',
    );
  addBackendOptions(explainCommand, EXPLAIN_DEFAULTS, 'seed of the random input and filters');
  explainCommand
    .option(
      '--runs <n>',
      'timed repetitions of each convolution (the fastest counts)',
      positiveInt,
      EXPLAIN_DEFAULTS.runs,
    )
    .action(async (flags: { backend: TrainOptions['backend']; seed: number; runs: number }) => {
      await explain(flags);
    });

  cli
    .command('zoo')
    .description(
      "summaries of LeNet-5, AlexNet and ResNet-18, and ResNet-18's forward pass timed on each backend",
    )
    .option('--backends <list>', 'backends to time, comma-separated', backendList, ZOO_DEFAULTS.backends)
    .option('--size <pixels>', 'image side of the timed forward pass', positiveInt, ZOO_DEFAULTS.size)
    .option(
      '--runs <n>',
      'timed forward passes per backend (after a warm-up)',
      positiveInt,
      ZOO_DEFAULTS.runs,
    )
    .option('--timings-only', 'skip the summaries')
    .option(
      '--models <list>',
      'models to summarize, comma-separated (lenet5, alexnet, resnet18)',
      modelList,
      ZOO_DEFAULTS.models,
    )
    .option('--seed <n>', 'seed of the random weights and image', nonNegativeInt, ZOO_DEFAULTS.seed)
    .action(async (flags: Omit<ZooOptions, 'log' | 'timingsOnly'> & { timingsOnly?: boolean }) => {
      await zoo({ ...flags, timingsOnly: flags.timingsOnly ?? false });
    });

  const transferCommand = cli
    .command('transfer')
    .description(
      'pretrain on Fashion-MNIST, then learn MNIST digits from 100 and 1,000 labels: from scratch, frozen backbone + new head, full fine-tune',
    );
  addBackendOptions(
    transferCommand,
    TRANSFER_DEFAULTS,
    'seed of the pretraining, the labelled subsets and the new heads',
  );
  transferCommand
    .option(
      '--pretrained <checkpoint>',
      'start from a checkpoint written by train (default: pretrain on Fashion-MNIST first)',
    )
    .option(
      '--pretrain-epochs <n>',
      'epochs of the Fashion-MNIST pretraining',
      positiveInt,
      TRANSFER_DEFAULTS.pretrainEpochs,
    )
    .option('--pretrain-size <n>', 'use only the first n Fashion-MNIST training images', positiveInt)
    .option(
      '--labels <list>',
      'labelled digits to learn from, comma-separated',
      countList,
      TRANSFER_DEFAULTS.labels,
    )
    .option(
      '--steps <n>',
      'training steps per run, the same for every method (default 300; 50 with --weights)',
      positiveInt,
    )
    .option('--batch-size <n>', 'images per step (default 32; 16 with --weights)', positiveInt)
    .option(
      '--lr <rate>',
      "Adam's learning rate of the new head (default 0.002; 0.001 with --weights)",
      positiveNumber,
    )
    .option(
      '--repeats <n>',
      'runs per method and label count (other subsets and heads)',
      positiveInt,
      TRANSFER_DEFAULTS.repeats,
    )
    .option(
      '--shift <pixels>',
      'random shifts of the labelled images (0: off)',
      nonNegativeInt,
      TRANSFER_DEFAULTS.shift,
    )
    .option('--test-size <n>', 'use only the first n test digits', positiveInt)
    .option(
      '--weights <file>',
      'torchvision ResNet-18 weights (safetensors): fine-tune them on --images instead',
    )
    .option('--images <folder>', 'with --weights: a folder with one subfolder of PNG/JPEG images per class')
    .option(
      '--image-size <pixels>',
      'with --weights: side of the center-cropped images',
      positiveInt,
      IMAGE_TRANSFER_DEFAULTS.imageSize,
    );
  addOutputOptions(
    transferCommand,
    TRANSFER_DEFAULTS.outDir,
    'where the plots, the table and the pretrained model go',
  );
  transferCommand.action(
    async (
      flags: FlagsOf<TransferOptions & RunOptions> & { weights?: string; images?: string; imageSize: number },
    ) => {
      const {
        data: _data,
        trainSize: _trainSize,
        weights,
        images,
        imageSize,
        ...options
      } = runOptionsFrom(flags);
      const given = Object.fromEntries(
        (['steps', 'batchSize', 'lr'] as const)
          .filter((k) => options[k] !== undefined)
          .map((k) => [k, options[k]]),
      );
      if (weights === undefined) {
        if (images !== undefined) {
          return transferCommand.error('error: --images needs --weights (a torchvision ResNet-18)');
        }
        await transfer({ ...options, ...given });
        return;
      }
      if (images === undefined) {
        return transferCommand.error('error: --weights needs --images <folder> to fine-tune on');
      }
      await transferImages({
        ...IMAGE_TRANSFER_DEFAULTS,
        ...given,
        backend: options.backend,
        seed: options.seed,
        weights,
        images,
        imageSize,
        outDir: options.outDir,
        progress: options.progress,
        log: (line) => console.log(line),
      });
    },
  );
  return cli;
}

/** "cpu,wasm" → ['cpu', 'wasm'] (each a backend name). */
function backendList(value: string): ZooOptions['backends'] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (n !== 'cpu' && n !== 'wasm' && n !== 'webgpu')
      throw new InvalidArgumentError(`unknown backend '${n}' (cpu, wasm, webgpu)`);
  }
  return names as ZooOptions['backends'];
}

/** "lenet5,resnet18" → ['lenet5', 'resnet18']. */
function modelList(value: string): ZooOptions['models'] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (n !== 'lenet5' && n !== 'alexnet' && n !== 'resnet18') {
      throw new InvalidArgumentError(`unknown model '${n}' (lenet5, alexnet, resnet18)`);
    }
  }
  return names as ZooOptions['models'];
}

/** "100,1000" → [100, 1000]. */
function countList(value: string): number[] {
  return value.split(',').map((s) => positiveInt(s.trim()));
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}
