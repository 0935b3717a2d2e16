import type { DType, TypedArray } from '../dtype.js';
import type { ConvGeometry, WindowGeometry } from '../shape/window.js';
import type { BinaryOp, FusedActivation, ReduceOp, UnaryOp } from './ops.js';
import type { AdamStepOptions, SgdStepOptions } from './step-options.js';

/**
 * The backend contract — read this first if you are writing a backend.
 *
 * A backend owns memory (`Storage`) and runs a short list of primitive kernels on it.
 * Everything else an NDArray offers (views, broadcasting, dtype rules, softmax, var, concat,
 * oneHot, …) is written once on top of these primitives in `ndarray/`.
 *
 * Conventions every primitive follows:
 * - Inputs arrive as {@link StridedView}s: any strides (0 for broadcast axes, permuted for
 *   transposes) and any offset. The NDArray layer has already checked shapes and dtypes.
 * - Outputs are freshly allocated, contiguous (row-major) storages owned by the caller.
 * - Primitives never modify their inputs; only `assign` writes, and only into its `dst`.
 * - Primitives are synchronous to call (GPU backends enqueue work); only `read` is async.
 * - A backend that cannot hold a dtype (WGSL has no float64) throws a BackendError naming it.
 */
export interface Backend {
  /** Registry name, e.g. `'cpu'` or `'webgpu'`. */
  readonly name: string;

  // ── memory ──────────────────────────────────────────────────────────────────────────────
  /** Allocates `size` zero-initialised elements of `dtype`. */
  alloc(dtype: DType, size: number): Storage;
  /** Allocates a storage holding a copy of `data` (its length is the size). */
  upload(dtype: DType, data: TypedArray): Storage;
  /** Copies the whole storage back to the host. */
  read(storage: Storage): Promise<TypedArray>;
  /** Synchronous readback, present only where the backend can do it without stalling (CPU, wasm). */
  readSync?(storage: Storage): TypedArray;
  /** Releases the storage. Called exactly once, when no NDArray references it any more. */
  free(storage: Storage): void;
  /** Live storages and their bytes, for leak checks. */
  memory(): BackendMemory;

  // ── primitives ──────────────────────────────────────────────────────────────────────────
  /** A contiguous storage of `size` elements, all equal to `value`. */
  fill(dtype: DType, size: number, value: number): Storage;
  /** Copies a view into a new contiguous storage, converting to `dtype` (truncation toward zero for float → int; bool is `x != 0`). */
  copy(x: StridedView, dtype: DType): Storage;
  /** Writes `src` element-wise into the (possibly strided) `dst` view; both have the same shape and dtype. */
  assign(dst: StridedView, src: StridedView): void;
  /** Element-wise unary op; the output has the input's dtype (`not` works on bool). */
  unary(op: UnaryOp, x: StridedView): Storage;
  /** Element-wise binary op on two views of the same shape and dtype; comparisons return bool. */
  binary(op: BinaryOp, a: StridedView, b: StridedView): Storage;
  /** `cond ? a : b` element-wise; cond is bool, a and b share a dtype; all three have the same shape. */
  where(cond: StridedView, a: StridedView, b: StridedView): Storage;
  /**
   * Reduces the trailing `axisCount` axes of `x`: the output has shape `x.shape.slice(0, -axisCount)`.
   * `sum`/`prod` of int32 wrap like int32 arithmetic; `argmax`/`argmin` require `axisCount === 1`,
   * return int32 and pick the first extreme index.
   */
  reduce(op: ReduceOp, x: StridedView, axisCount: number): Storage;
  /**
   * Batched matrix product of float views (both float32, or both float64) `a` `[...batch, M, K]` and `b` `[...batch, K, N]`
   * (same batch shape, broadcast batch axes have stride 0) into `[...batch, M, N]`.
   */
  matmul(a: StridedView, b: StridedView): Storage;
  /**
   * Index-select along `axis`: output shape is `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`.
   * `indices` is int32 and already bounds-checked.
   */
  gather(x: StridedView, axis: number, indices: StridedView): Storage;
  /**
   * The adjoint of `gather`: a zero array of `outShape` into which each slice of `src` is added at
   * position `indices[j]` along `axis` (repeated indices accumulate). `src` has the shape gather would return.
   */
  scatterAdd(outShape: readonly number[], axis: number, indices: StridedView, src: StridedView): Storage;

  // ── optional fused kernels (the NDArray layer composes them from primitives when absent) ─
  /** Numerically stable log-softmax over the last axis of a float view (output has its dtype). */
  logSoftmax?(x: StridedView): Storage;
  /** Numerically stable softmax over the last axis of a float view (output has its dtype). */
  softmax?(x: StridedView): Storage;

  // ── optional fused matmul epilogue (the NDArray layer composes it when absent): a layer's
  // matrix product, bias and activation in one kernel, and the activation's gradient in one pass.
  /**
   * `activation(a @ b + bias)`: `a` `[...batch, M, K]` and `b` `[...batch, K, N]` float views of one
   * dtype as for `matmul` (broadcast batch axes have stride 0), `bias` `[N]` (any stride) or null,
   * into `[...batch, M, N]`. The bias is added to the rounded product, then the activation applied.
   */
  matmulBiasActivation?(
    a: StridedView,
    b: StridedView,
    bias: StridedView | null,
    activation: FusedActivation,
  ): Storage;
  /**
   * The gradient through an activation from its output `y` and the output's gradient `dy` (float
   * views of one shape and dtype, any strides): `dy·act′`, with act′ written in `y` — relu: `y > 0`,
   * tanh: `1 − y²`, sigmoid: `y·(1 − y)`, none: 1.
   */
  activationGrad?(activation: FusedActivation, y: StridedView, dy: StridedView): Storage;

  // ── optional window kernels (the NDArray layer composes them from gather + matmul when absent).
  // They receive contiguous views (any offset) of float arrays in NCHW layout.
  /**
   * 2-D convolution (cross-correlation, as every framework computes it): `x` `[N, C, H, W]` with
   * `w` `[Co, C / groups, kh, kw]` into `[N, Co, Ho, Wo]`; zero padding, stride and dilation per `g`.
   */
  conv2d?(x: StridedView, w: StridedView, g: ConvGeometry): Storage;
  /** The convolution's gradient with respect to its input: `dy` `[N, Co, Ho, Wo]` and `w` into `[N, C, H, W]`. */
  conv2dInputGrad?(dy: StridedView, w: StridedView, g: ConvGeometry): Storage;
  /** The convolution's gradient with respect to its weight: `x` and `dy` into `[Co, C / groups, kh, kw]`. */
  conv2dWeightGrad?(x: StridedView, dy: StridedView, g: ConvGeometry): Storage;
  /**
   * Max over each window of `x` `[P, H, W]` (P planes: batch × channels), padding never winning:
   * `[values, indices]`, both `[P, Ho, Wo]`, indices int32 positions `h·W + w` within the plane of
   * each window's first maximum (NaN counts as the maximum, the first one wins).
   */
  maxPool2d?(x: StridedView, g: WindowGeometry): [Storage, Storage];
  /**
   * Max pooling's gradient: a zero `[P, H, W]` into which each element of `dy` `[P, Ho, Wo]` is added
   * at the plane position its (int32) `indices` entry names (overlapping windows accumulate).
   */
  maxPool2dGrad?(dy: StridedView, indices: StridedView, g: WindowGeometry): Storage;

  // ── optional fused loss kernels (the NDArray layer composes them when absent)
  /**
   * Softmax cross-entropy of each row of `logits` `[N, C]` (float) against `labels` `[N]` (int32,
   * in range): `[loss, max, logSum]`, each `[N]` — max = the row's maximum, logSum = log Σ
   * exp(logits − max), loss = (max − logits[label]) + logSum (kept apart, so logits of 1e30 keep the
   * log-sum; the backward pass needs only these, not a probability matrix).
   */
  softmaxCrossEntropy?(logits: StridedView, labels: StridedView): [Storage, Storage, Storage];
  /**
   * Its gradient with respect to the logits, one pass, no probability matrix kept: `[N, C]` =
   * (exp((logits − max) − logSum) − onehot(labels)) · scale, row by row (`max`, `logSum`, `scale` `[N]`).
   */
  softmaxCrossEntropyGrad?(
    logits: StridedView,
    labels: StridedView,
    max: StridedView,
    logSum: StridedView,
    scale: StridedView,
  ): Storage;

  // ── optional recurrent cell kernels (the NDArray layer composes them when absent). They fuse
  // a cell's gate nonlinearities and state update; the matrix products stay matmuls. Contiguous
  // float views, rows of a batch.
  /**
   * LSTM cell update from gate pre-activations `gates` `[B, 4H]` (i, f, g, o) and the cell state
   * `c` `[B, H]`: `[h′ | c′]` `[B, 2H]` with c′ = σ(f)·c + σ(i)·tanh(g), h′ = σ(o)·tanh(c′).
   */
  lstmCell?(gates: StridedView, c: StridedView): Storage;
  /**
   * The LSTM update's gradient, from its inputs, its output `[h′ | c′]` and the output's gradient
   * `[dh′ | dc′]` (`[B, 2H]` each): `[dGates [B, 4H], dc [B, H]]`.
   */
  lstmCellGrad?(gates: StridedView, c: StridedView, out: StridedView, dOut: StridedView): [Storage, Storage];
  /**
   * GRU cell update from the input projection `gi` `[B, 3H]` and recurrent projection `gh`
   * `[B, 3H]` (r, z, n; b_hn inside gh, as in PyTorch) and `h` `[B, H]`: h′ = (1 − z)·n + z·h with
   * r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n).
   */
  gruCell?(gi: StridedView, gh: StridedView, h: StridedView): Storage;
  /** The GRU update's gradient, from its inputs and dh′ `[B, H]`: `[dgi [B, 3H], dgh [B, 3H], dh [B, H]]`. */
  gruCellGrad?(
    gi: StridedView,
    gh: StridedView,
    h: StridedView,
    dOut: StridedView,
  ): [Storage, Storage, Storage];

  // ── optional fused optimizer steps (the NDArray layer composes them when absent): one pass over
  // a parameter instead of a dozen element-wise ones. Contiguous float views of one shape.
  /**
   * One Adam/AdamW step: `[param′, expAvg′, expAvgSq′]` from the parameter, its gradient and the
   * two running averages (see `adamStep` for the arithmetic and `h`).
   */
  adamUpdate?(
    param: StridedView,
    grad: StridedView,
    expAvg: StridedView,
    expAvgSq: StridedView,
    h: AdamStepOptions,
  ): [Storage, Storage, Storage];
  /**
   * One SGD step: `[param′, momentumBuffer′]` (the buffer only with momentum; see `sgdStep`).
   * `buffer` is null on the first step with momentum, and always without momentum.
   */
  sgdUpdate?(
    param: StridedView,
    grad: StridedView,
    buffer: StridedView | null,
    h: SgdStepOptions,
  ): [Storage, Storage | null];

  /** Releases everything the backend holds (GPU devices, workers). */
  dispose?(): void;
}

/** A backend-owned block of memory. Opaque to everyone but its backend. */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

/** A strided window onto a storage: how every primitive receives its inputs. */
export interface StridedView {
  readonly storage: Storage;
  readonly shape: readonly number[];
  /** Elements to step per axis; 0 on broadcast axes, may be any order after permute. */
  readonly strides: readonly number[];
  /** Index of element `[0, 0, …]` in the storage. */
  readonly offset: number;
}

/** Live memory held by a backend. */
export interface BackendMemory {
  /** Live storages (buffers). */
  buffers: number;
  /** Bytes held by live storages. */
  bytes: number;
}
