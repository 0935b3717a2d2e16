/**
 * @mlblocks/optim — optimizers, learning-rate schedulers and gradient clipping for
 * @mlblocks/autograd tensors. This file is the package's only public door.
 */
export {
  type ClipGradNormOptions,
  clipGradNorm,
  clipGradNormOnDevice,
  clipGradValue,
} from './clip/clip-grad.js';
export { Optimizer } from './optimizer/optimizer.js';
export { ParamState } from './optimizer/param-state.js';
export type { OptimizerOptions, ParamGroup, ParamGroupInput, Params } from './optimizer/params.js';
export { Adagrad, type AdagradOptions } from './optimizers/adagrad.js';
export { Adam, type AdamOptions } from './optimizers/adam.js';
export { AdamW } from './optimizers/adamw.js';
export { RMSprop, type RMSpropOptions } from './optimizers/rmsprop.js';
export { SGD, type SGDOptions } from './optimizers/sgd.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/cosine-annealing-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './schedulers/exponential-lr.js';
export { LinearWarmup, type LinearWarmupOptions } from './schedulers/linear-warmup.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau.js';
export {
  type AnyOptimizer,
  LRScheduler,
  type SchedulerOptionValue,
  type SchedulerStateDict,
} from './schedulers/scheduler.js';
export { SequentialLR } from './schedulers/sequential-lr.js';
export { StepLR, type StepLROptions } from './schedulers/step-lr.js';
export type {
  OptimizerStateDict,
  OptionValue,
  ParamGroupStateDict,
  ParamStateDict,
} from './state/optimizer-state.js';
export type { SerializedArray } from './state/serialize.js';
