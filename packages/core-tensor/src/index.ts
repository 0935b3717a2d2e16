/**
 * @mlblocks/core-tensor — n-dimensional arrays with a pluggable backend.
 * This file is the package's only public door.
 */
export type { Backend, BackendMemory, Storage, StridedView } from './backend/backend.js';
export {
  BINARY_OP_KINDS,
  BINARY_OPS,
  type BinaryOp,
  binaryResultDType,
  COMPARISON_OPS,
  dtypesOfKind,
  FUSED_ACTIVATIONS,
  type FusedActivation,
  type OpKind,
  REDUCE_OP_KINDS,
  REDUCE_OPS,
  type ReduceOp,
  reduceResultDType,
  UNARY_OP_KINDS,
  UNARY_OPS,
  type UnaryOp,
} from './backend/ops.js';
export {
  getBackend,
  getDefaultBackend,
  listBackends,
  registerBackend,
  removeBackend,
  setDefaultBackend,
} from './backend/registry.js';
export { CpuBackend } from './cpu/cpu-backend.js';
export {
  bytesPerElement,
  canCastLosslessly,
  DTYPES,
  type DType,
  isIntegral,
  promoteTypes,
  type TypedArray,
} from './dtype.js';
export {
  BackendError,
  DisposedError,
  DTypeError,
  IndexError,
  MlBlocksError,
  ShapeError,
  ValueError,
} from './errors.js';
export { fromFloat16Bits, roundToFloat16, toFloat16Bits } from './float16.js';
export { type MemoryInfo, memory } from './memory/memory.js';
export { type Disposable, dispose, keep, OWNED_DISPOSABLES, tidy, trackInScope } from './memory/scope.js';
export {
  type Conv2dOptions,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  maxPool2d,
  maxPool2dGrad,
} from './ndarray/conv.js';
export {
  arange,
  type CreateOptions,
  eye,
  fromArray,
  full,
  linspace,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randn,
  scalar,
  zeros,
  zerosLike,
} from './ndarray/create.js';
export {
  type RowNormalizer,
  softmaxCrossEntropyGrad,
  softmaxCrossEntropyRows,
} from './ndarray/cross-entropy.js';
export { clip, where } from './ndarray/elementwise.js';
export { gather, indexAdd, indexSelect, oneHot, scatterAdd } from './ndarray/indexing.js';
export { concat, split, stack } from './ndarray/join.js';
export { matmul } from './ndarray/linalg.js';
export { activationGrad, checkActivation, matmulBiasActivation } from './ndarray/matmul-epilogue.js';
export { type Axes, isNDArray, NDArray, type Operand } from './ndarray/ndarray.js';
export type { NestedArray } from './ndarray/nested.js';
export { type AdamStepOptions, adamStep, type SgdStepOptions, sgdStep } from './ndarray/optimizer-steps.js';
export { gruCell, gruCellGrad, lstmCell, lstmCellGrad } from './ndarray/recurrent.js';
export type { SliceSpec } from './ndarray/views.js';
export { checkOptions, type OptionNames } from './options.js';
export { Generator, seed } from './random/generator.js';
export { type FusedKernel, fusionEnabled, setFusion } from './runtime/fusion.js';
export { type RuntimeInfo, runtimeInfo, VERSION } from './runtime/runtime.js';
export {
  broadcastShapes,
  contiguousStrides,
  isContiguous,
  type Shape,
  sizeOf,
} from './shape/shape.js';
export {
  type ConvGeometry,
  type Pair,
  pair,
  type WindowGeometry,
  type WindowOptions,
  windowGeometry,
  windowOutputSize,
} from './shape/window.js';
