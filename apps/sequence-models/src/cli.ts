import { Command, Option } from 'commander';
import {
  addBackendOptions,
  addOutputOptions,
  fraction,
  positiveInt,
  positiveNumber,
  reportWritten,
  runCommand,
  runOptionsFrom,
} from 'lesson-kit';
import { runTask, type TaskName, type TaskOptions } from './tasks.js';

/** Each task's defaults: the settings its README's numbers come from. */
export const DEFAULTS: Record<TaskName, Omit<TaskOptions, 'task' | 'outDir' | 'progress' | 'log'>> = {
  names: {
    backend: 'auto',
    seed: 0,
    epochs: 12,
    baselineEpochs: 20,
    batchSize: 64,
    lr: 0.01,
    cell: 'lstm',
    hidden: 64,
    embedding: 16,
    layers: 1,
    bidirectional: true,
    pooling: 'last',
    dropout: 0.2,
    maxLength: 20,
    predict: ['alex', 'maria', 'john', 'jessica', 'kim', 'robin', 'anthony', 'nathalie'],
  },
  spam: {
    backend: 'auto',
    seed: 0,
    epochs: 6,
    baselineEpochs: 10,
    batchSize: 32,
    lr: 0.005,
    cell: 'gru',
    hidden: 64,
    embedding: 64,
    layers: 1,
    bidirectional: true,
    pooling: 'max',
    dropout: 0.3,
    maxLength: 200,
    predict: [],
  },
};

function taskCommand(task: TaskName, description: string, log: (line: string) => void): Command {
  const d = DEFAULTS[task];
  const command = new Command(task).description(description);
  addBackendOptions(command, d);
  command
    .option('--epochs <n>', 'passes over the training texts (recurrent model)', positiveInt, d.epochs)
    .option('--baseline-epochs <n>', "passes of the baseline's training", positiveInt, d.baselineEpochs)
    .option('--batch-size <n>', 'texts per mini-batch', positiveInt, d.batchSize)
    .option('--lr <rate>', "Adam's learning rate (recurrent model)", positiveNumber, d.lr)
    .addOption(new Option('--cell <kind>', 'recurrent cell').choices(['rnn', 'lstm', 'gru']).default(d.cell))
    .option('--hidden <n>', 'hidden units per direction', positiveInt, d.hidden)
    .option(
      '--embedding <n>',
      'word vector size (spam; names read one-hot characters)',
      positiveInt,
      d.embedding,
    )
    .option('--layers <n>', 'stacked recurrent layers', positiveInt, d.layers)
    .option('--no-bidirectional', 'read each text forwards only')
    .addOption(
      new Option('--pooling <how>', 'one vector per text: final states, or mean/max over the steps')
        .choices(['last', 'mean', 'max'])
        .default(d.pooling),
    )
    .option('--dropout <p>', 'dropout on the pooled vector (and between layers)', fraction, d.dropout)
    .option('--max-length <n>', 'tokens of a text the recurrent model reads', positiveInt, d.maxLength)
    .option('--train-size <n>', 'train on n training texts drawn at random (seeded)', positiveInt)
    .option('--predict <texts...>', 'texts to classify after training', d.predict);
  addOutputOptions(command, 'out', 'folder for plots and the checkpoint');
  return command.action(async (flags) => {
    const result = await runTask({ ...d, ...runOptionsFrom(flags), task, log } as TaskOptions);
    reportWritten(log, result.files);
  });
}

/** The command line: `names` (the default) and `spam`. */
export function program(log: (line: string) => void = console.log): Command {
  return new Command('sequence-models')
    .description('Many-to-one recurrent classifiers with mlblocks, beside bag-of-features baselines.')
    .showHelpAfterError()
    .addCommand(
      taskCommand(
        'names',
        'first names → gender, character level (bidirectional LSTM vs logistic regression on character n-grams)',
        log,
      ),
      { isDefault: true },
    )
    .addCommand(taskCommand('spam', 'spam vs ham, word level (bidirectional GRU vs bag of words)', log));
}

/** Runs the command line (typed errors print as one line; see lesson-kit's runCommand). */
export async function run(argv: readonly string[]): Promise<void> {
  await runCommand(program(), argv);
}
