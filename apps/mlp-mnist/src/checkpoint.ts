import { ValueError } from '@mlblocks/core-tensor';
import type { MlpShape } from './model.js';
import { ACTIVATIONS, type Activation } from './options.js';

/**
 * What the checkpoint records besides the weights (safetensors metadata is string → string): the
 * network's shape, so `predict` can rebuild it, the input normalization, and the class names.
 */
export function metadataOf(
  shape: MlpShape,
  data: { source: string; stats: { mean: number; std: number }; test: { classNames: readonly string[] } },
  testAccuracy: number,
): Record<string, string> {
  return {
    format: 'mlblocks/mlp-mnist',
    inputs: String(shape.inputs),
    hidden: String(shape.hidden),
    layers: String(shape.layers),
    activation: shape.activation,
    classes: String(shape.classes),
    classNames: JSON.stringify(data.test.classNames),
    pixelMean: String(data.stats.mean),
    pixelStd: String(data.stats.std),
    data: data.source,
    testAccuracy: String(testAccuracy),
  };
}

/** Everything `predict` needs from a checkpoint's metadata. */
export interface CheckpointInfo {
  shape: MlpShape;
  classNames: string[];
  stats: { mean: number; std: number };
}

/** Reads the metadata written by `metadataOf`, checking every field. */
export function infoFromMetadata(metadata: Record<string, string>, path: string): CheckpointInfo {
  if (metadata.format !== 'mlblocks/mlp-mnist') {
    throw new ValueError(
      'predict',
      `${path} was not written by mlp-mnist (metadata format '${metadata.format}')`,
    );
  }
  const int = (key: string) => {
    const n = Number(metadata[key]);
    if (!Number.isInteger(n) || n <= 0)
      throw new ValueError('predict', `${path}: bad metadata ${key}=${metadata[key]}`);
    return n;
  };
  const activation = metadata.activation as Activation;
  if (!ACTIVATIONS.includes(activation)) {
    throw new ValueError('predict', `${path}: unknown activation '${metadata.activation}'`);
  }
  const shape = {
    inputs: int('inputs'),
    hidden: int('hidden'),
    layers: int('layers'),
    activation,
    classes: int('classes'),
  };
  const classNames = JSON.parse(metadata.classNames ?? '[]') as string[];
  const stats = { mean: Number(metadata.pixelMean), std: Number(metadata.pixelStd) };
  if (classNames.length !== shape.classes || !(stats.std > 0)) {
    throw new ValueError('predict', `${path}: inconsistent metadata (class names or pixel statistics)`);
  }
  return { shape, classNames, stats };
}
