/**
 * What a benchmark case is: the same computation written once against our API and once against
 * TensorFlow.js, on identical input values, plus how much work one call does (for the rate).
 */
import type { NDArray } from '@mlblocks/core-tensor';
import type { Tfjs, TfTensor } from './tfjs.js';

export interface Case {
  /** Section of the table ("matmul", "elementwise", "reduce"). */
  group: string;
  /** Short description of the op. */
  name: string;
  /** Shape(s) in words, e.g. "512×512 @ 512×512". */
  size: string;
  /** Rate unit: GFLOP/s counts 2·M·N·K flops; Melem/s counts elements. */
  unit: 'GFLOP/s' | 'Melem/s';
  /** Flops or elements per call, in the unit's base (flops or elements). */
  work: number;
  /** Creates the inputs (outside the timed region) and returns the two contenders. */
  setup(tf: Tfjs): Contenders;
}

export interface Contenders {
  /** One call of our op; the result is returned so the harness can check and dispose it. */
  ours(): NDArray;
  /** The same op in TensorFlow.js. */
  tfjs(): TfTensor;
  /** Frees the inputs. */
  dispose(): void;
}

/** The same values as a TensorFlow.js tensor (a copy: the two libraries never share buffers). */
export function toTf(tf: Tfjs, x: NDArray): TfTensor {
  return tf.tensor(Float32Array.from(x.dataSync()), [...x.shape], 'float32');
}
