import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { dispose, type NDArray, ValueError } from '@mlblocks/core-tensor';
import { Vocabulary } from '@mlblocks/datasets';
import { loadSafetensors, saveSafetensors, writeFileAtomic } from '@mlblocks/nn-layers/node';
import { CheckpointMismatchError } from '../errors.js';
import { configDifferences, type LMConfig, validateConfig } from '../models/config.js';
import { createModel } from '../models/create.js';
import type { LanguageModel, LMTrainer, TrainerState, TrainOptions } from '../train/trainer.js';

const FORMAT = 'mlblocks-rnn-lm';

/** What `config.json` of a checkpoint folder holds. */
export interface CheckpointInfo {
  /** Always `'mlblocks-rnn-lm'`. */
  format: typeof FORMAT;
  /** The folder layout's version (1). */
  version: 1;
  /** The model's config (what `createModel` builds). */
  config: LMConfig;
  /** The corpus name the model was trained on. */
  corpus: string;
  /** Steps trained. */
  step: number;
  /** The training settings (absent for weights saved without a trainer). */
  train?: TrainOptions;
  /** Free-form facts (the app's flags, the last validation loss, …). */
  meta?: Record<string, unknown>;
}

/** A checkpoint read back: the model (weights loaded), its vocabulary, and the trainer's state. */
export interface LoadedCheckpoint {
  /** The model, its weights loaded. */
  model: LanguageModel;
  /** The vocabulary it was trained with. */
  vocab: Vocabulary;
  /** What `config.json` holds. */
  info: CheckpointInfo;
  /** Null when the checkpoint was saved without a trainer. */
  trainer: TrainerState | null;
  /** The carried recurrent state (layer-major), when there was one; the caller disposes it. */
  carried: NDArray[] | null;
}

/**
 * Saves a model as a checkpoint folder: `model.safetensors` (the weights), `vocab.json`,
 * `config.json` (the config, corpus, step, training settings), and with a trainer
 * `trainer.json` (optimizer, schedule, position in the data) and `state.safetensors` (the carried
 * hidden state) — everything `loadLMCheckpoint` needs to resume exactly.
 *
 * The folder is replaced whole: the files are written to `<dir>.partial` first and swapped in
 * by renames, so a crash leaves either the old checkpoint or the new one. Weights that are not
 * all finite are refused (a `ValueError`), so a diverged run never replaces a good checkpoint.
 *
 * @example
 * await saveLMCheckpoint('out/checkpoint', { model, vocab: corpus.vocab, corpus: corpus.name, trainer });
 */
export async function saveLMCheckpoint(
  dir: string,
  parts: {
    model: LanguageModel;
    vocab: Vocabulary;
    corpus: string;
    trainer?: LMTrainer;
    meta?: Record<string, unknown>;
  },
): Promise<void> {
  const op = 'saveLMCheckpoint';
  const { model, vocab, trainer } = parts;
  if (vocab.size !== model.config.vocabSize) {
    throw new ValueError(
      op,
      `the vocabulary has ${vocab.size} tokens but the model ${model.config.vocabSize}`,
    );
  }
  const weights = model.stateDict();
  for (const [name, array] of weights) {
    if ((await array.data()).some((v) => !Number.isFinite(v))) {
      throw new ValueError(op, `parameter '${name}' holds NaN or infinite values; not saving over ${dir}`);
    }
  }
  const info: CheckpointInfo = {
    format: FORMAT,
    version: 1,
    config: model.config,
    corpus: parts.corpus,
    step: trainer?.stepCount ?? 0,
    ...(trainer ? { train: { ...trainer.options } } : {}),
    ...(parts.meta ? { meta: parts.meta } : {}),
  };
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 1)}\n`);
  await saveSafetensors(join(partial, 'model.safetensors'), weights, { format: FORMAT });
  await writeFileAtomic(join(partial, 'vocab.json'), json(vocab.toJSON()));
  if (trainer) {
    await writeFileAtomic(join(partial, 'trainer.json'), json(await trainer.stateDictAsync()));
    const carried = trainer.carriedState();
    if (carried) {
      await saveSafetensors(
        join(partial, 'state.safetensors'),
        new Map(carried.map((a, i) => [`state.${i}`, a])),
      );
    }
  }
  await writeFileAtomic(join(partial, 'config.json'), json(info));
  const previous = `${dir}.previous`;
  await rm(previous, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, previous);
  await rename(partial, dir);
  await rm(previous, { recursive: true, force: true });
}

/**
 * Reads a checkpoint folder written by `saveLMCheckpoint`: builds the model from its config and
 * loads the weights (strict names and shapes), the vocabulary and the trainer's state.
 *
 * @throws {CheckpointMismatchError} for a missing or malformed file, or a vocabulary that does not
 *   fit the config.
 */
export async function loadLMCheckpoint(
  dir: string,
  options: { backend?: string } = {},
): Promise<LoadedCheckpoint> {
  const op = 'loadLMCheckpoint';
  const info = (await readJson(join(dir, 'config.json'), op)) as CheckpointInfo;
  if (info?.format !== FORMAT || info.version !== 1) {
    throw new CheckpointMismatchError(
      op,
      `${join(dir, 'config.json')} is not an ${FORMAT} checkpoint (version 1)`,
    );
  }
  try {
    validateConfig(info.config, op);
  } catch (error) {
    throw new CheckpointMismatchError(op, `${dir}: ${(error as Error).message}`);
  }
  const vocab = Vocabulary.fromJSON(await readJson(join(dir, 'vocab.json'), op));
  if (vocab.size !== info.config.vocabSize) {
    throw new CheckpointMismatchError(
      op,
      `${dir}: vocab.json has ${vocab.size} tokens but the config says vocabSize ${info.config.vocabSize}`,
    );
  }
  const model = createModel(info.config, { backend: options.backend });
  await loadWeights(model, dir, op);
  const trainer = (await exists(join(dir, 'trainer.json')))
    ? ((await readJson(join(dir, 'trainer.json'), op)) as TrainerState)
    : null;
  let carried: NDArray[] | null = null;
  if (await exists(join(dir, 'state.safetensors'))) {
    const { tensors } = await loadSafetensors(join(dir, 'state.safetensors'), { backend: options.backend });
    carried = [...tensors.keys()]
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .map((k) => tensors.get(k)!);
  }
  return { model, vocab, info, trainer, carried };
}

/**
 * Loads a checkpoint's weights into an existing model, after checking that the checkpoint's
 * config and vocabulary are the model's (`CheckpointMismatchError` listing every difference).
 */
export async function loadWeightsInto(
  model: LanguageModel,
  vocab: Vocabulary,
  dir: string,
): Promise<CheckpointInfo> {
  const op = 'loadWeightsInto';
  const info = (await readJson(join(dir, 'config.json'), op)) as CheckpointInfo;
  const diffs = configDifferences(info.config, model.config);
  if (diffs.length > 0) {
    throw new CheckpointMismatchError(
      op,
      `the checkpoint in ${dir} was saved for another model (checkpoint ≠ model):\n  ${diffs.join('\n  ')}`,
    );
  }
  const saved = Vocabulary.fromJSON(await readJson(join(dir, 'vocab.json'), op));
  const firstDiff = saved.tokens.findIndex((t, i) => vocab.tokens[i] !== t);
  if (saved.size !== vocab.size || firstDiff >= 0) {
    throw new CheckpointMismatchError(
      op,
      `the checkpoint's vocabulary (${saved.size} tokens) is not the model's (${vocab.size})${firstDiff >= 0 ? `: id ${firstDiff} is ${JSON.stringify(saved.tokens[firstDiff])} there, ${JSON.stringify(vocab.tokens[firstDiff])} here` : ''}`,
    );
  }
  await loadWeights(model, dir, op);
  return info;
}

async function loadWeights(model: LanguageModel, dir: string, op: string): Promise<void> {
  const path = join(dir, 'model.safetensors');
  if (!(await exists(path))) throw new CheckpointMismatchError(op, `no model.safetensors in ${dir}`);
  const backend = model.parameters()[0]!.array.backend.name;
  const { tensors } = await loadSafetensors(path, { backend });
  try {
    model.loadStateDict(tensors);
  } catch (error) {
    throw new CheckpointMismatchError(
      op,
      `${path} does not fit ${model.constructor.name}: ${(error as Error).message}`,
    );
  } finally {
    dispose([...tensors.values()]);
  }
}

async function readJson(path: string, op: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    const where = basename(dirname(path));
    throw new CheckpointMismatchError(
      op,
      `no ${basename(path)} in ${dirname(path)} (is '${where}' a checkpoint folder?)`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointMismatchError(op, `${path} is not valid JSON (${(error as Error).message})`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
