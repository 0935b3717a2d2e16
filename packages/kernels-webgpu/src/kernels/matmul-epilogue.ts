import type { FusedActivation } from '@mlblocks/core-tensor';

/**
 * The element-wise tail a matmul kernel may apply to its results before storing them: a bias per
 * output column (read through its offset and stride, which follow the matmul metadata), then an
 * activation — a layer's forward pass in one dispatch instead of three. It runs once per
 * invocation row on the vec4 of four adjacent columns the kernels accumulate, not per stored
 * element: unrolled per element, lavapipe took ~3 s to compile each kernel.
 */
/** The storage type of a matmul's operands and result: f32, or f16 read into f32 accumulators. */
export type ElementType = 'f32' | 'f16';

export interface Epilogue {
  bias: boolean;
  activation: FusedActivation;
}

/**
 * The activations on a vec4 `x`, component for component the unary table's f32 expressions
 * (elementwise.ts: relu lets NaN through, tanh through exp(−2|x|), σ = 1 / (1 + e^−x)).
 */
const ACTIVATE4: Record<FusedActivation, string> = {
  none: 'x',
  relu: 'select(vec4<f32>(0.0), x, (x > vec4<f32>(0.0)) | (x != x))',
  tanh: 'sign(x) * (1.0 - exp(-2.0 * abs(x))) / (1.0 + exp(-2.0 * abs(x)))',
  sigmoid: '1.0 / (1.0 + exp(-x))',
};

/** Cache-key suffix of an epilogue ('' for the plain product, so its kernels keep their keys). */
export function epilogueKey(e: Epilogue): string {
  return e.bias || e.activation !== 'none' ? `:${e.bias ? 'bias' : 'nobias'}:${e.activation}` : '';
}

/**
 * WGSL `finish(v, j0, n)`: the values to store for the four columns j0…j0+3 of a product with `n`
 * columns (columns past the edge read the last bias; they are never stored). The bias's offset
 * and stride sit after the matmul metadata's batch strides (see matmul-operands.ts).
 */
export function epilogueWgsl(e: Epilogue): string {
  const at = (q: number) =>
    `f32(bias[params[10 + 3 * params[9]] + min(j0 + ${q}, n - 1) * params[11 + 3 * params[9]]])`;
  const biased = e.bias ? `v + vec4<f32>(${[0, 1, 2, 3].map(at).join(', ')})` : 'v';
  return `fn finish(v: vec4<f32>, j0: i32, n: i32) -> vec4<f32> {
  let x = ${biased};
  return ${ACTIVATE4[e.activation]};
}`;
}
