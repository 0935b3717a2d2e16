/**
 * Kernel choices that depend on the adapter. CPU-backed adapters (lavapipe, SwiftShader) run a
 * workgroup's invocations as SIMD lanes of one core, where loop and gather overhead dominate:
 * big register blocks amortise it (measured on lavapipe with the bench's CNN layers, bench/
 * conv-kernels.ts: 16×8 ran the 32→64 convolution's three products 2–3× faster than 4×4). On a
 * GPU, registers are what limits occupancy, so blocks stay small and more invocations share the
 * work — chosen by analogy with the matmul (4×4 per invocation won on an H100), not measured.
 */

/** Output channels × positions (or taps) one invocation of a convolution kernel keeps in registers. */
export interface ConvBlock {
  channels: number;
  positions: number;
}

/** The register block of each convolution kernel. */
export interface ConvBlocks {
  forward: ConvBlock;
  inputGrad: ConvBlock;
  weightGrad: ConvBlock;
}

/** Per-adapter settings of the convolution kernels. */
export interface ConvTuning {
  blocks: ConvBlocks;
  /** See `Engine.convSplitTarget`. */
  splitTarget: number;
}

/** For software adapters: few, fat invocations. */
export const SOFTWARE_CONV: ConvTuning = {
  blocks: {
    forward: { channels: 16, positions: 8 },
    inputGrad: { channels: 16, positions: 8 },
    weightGrad: { channels: 16, positions: 8 },
  },
  splitTarget: 2048,
};

/** For hardware adapters: small blocks, many invocations. */
export const HARDWARE_CONV: ConvTuning = {
  blocks: {
    forward: { channels: 4, positions: 4 },
    inputGrad: { channels: 4, positions: 4 },
    weightGrad: { channels: 4, positions: 4 },
  },
  splitTarget: 65536,
};

/** A copy of `tuning` (the engine's own, free to change). */
export function cloneConvTuning(tuning: ConvTuning): ConvTuning {
  const b = tuning.blocks;
  return {
    blocks: { forward: { ...b.forward }, inputGrad: { ...b.inputGrad }, weightGrad: { ...b.weightGrad } },
    splitTarget: tuning.splitTarget,
  };
}
