import { ValueError } from '@mlblocks/core-tensor';
import { NETS, type NetConfig, type NetName } from './net.js';

/** What a checkpoint of `train` records besides the weights (safetensors metadata: strings). */
export interface CheckpointInfo {
  config: NetConfig;
  classNames: string[];
  /** Pixel statistics of the training set: inputs are (x/255 − mean)/std. */
  stats: { mean: number; std: number };
  data: string;
  testAccuracy: number;
}

export const CHECKPOINT_FORMAT = 'mlblocks/cnn';

/** The metadata `train` writes into `model.safetensors`. */
export function metadataOf(info: CheckpointInfo): Record<string, string> {
  return {
    format: CHECKPOINT_FORMAT,
    net: info.config.net,
    classes: String(info.config.classes),
    inputSize: String(info.config.inputSize),
    classNames: JSON.stringify(info.classNames),
    pixelMean: String(info.stats.mean),
    pixelStd: String(info.stats.std),
    data: info.data,
    testAccuracy: String(info.testAccuracy),
  };
}

/** Reads the metadata written by `metadataOf`, checking every field (in Node and in the browser). */
export function infoFromMetadata(metadata: Record<string, string>, source: string): CheckpointInfo {
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new ValueError(
      'cnn',
      `${source} was not written by the cnn app's train command (metadata format '${metadata.format}')`,
    );
  }
  const int = (key: string) => {
    const n = Number(metadata[key]);
    if (!Number.isInteger(n) || n <= 0)
      throw new ValueError('cnn', `${source}: bad metadata ${key}=${metadata[key]}`);
    return n;
  };
  const net = metadata.net as NetName;
  if (!NETS.includes(net)) throw new ValueError('cnn', `${source}: unknown network '${metadata.net}'`);
  const config: NetConfig = { net, classes: int('classes'), inputSize: int('inputSize') };
  const classNames = JSON.parse(metadata.classNames ?? '[]') as string[];
  const stats = { mean: Number(metadata.pixelMean), std: Number(metadata.pixelStd) };
  if (classNames.length !== config.classes || !(stats.std > 0)) {
    throw new ValueError('cnn', `${source}: inconsistent metadata (class names or pixel statistics)`);
  }
  return {
    config,
    classNames,
    stats,
    data: metadata.data ?? '',
    testAccuracy: Number(metadata.testAccuracy),
  };
}
