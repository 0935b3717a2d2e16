/**
 * Convolution kernel settings that depend on the adapter, measured where we could:
 * - lavapipe (Mesa's llvmpipe under Vulkan) runs a workgroup's invocations as the SIMD lanes of
 *   one core, where loop and gather overhead dominate: big register blocks amortise it. On the
 *   bench's 32→64 convolution (bench/conv-kernels.ts) 16×8 ran the three products 2–3× faster
 *   than 4×4, and 8×8, 8×16, 16×16, 32×8 no faster than 16×8.
 * - SwiftShader (Chromium's software adapter) compiles such unrolled kernels very slowly: a page
 *   running one small convolution took 60 s with 16×8 or 8×8 blocks and 8 s with 4×4 or 8×4.
 * - On a GPU registers limit occupancy, so blocks stay small and a weight gradient is split over
 *   many more invocations — chosen by analogy with the matmul (4×4 per invocation won on an
 *   H100), not measured: no GPU was at hand for these kernels.
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

/** Per-adapter settings of the convolution kernels (`WebGPUBackend.engine.conv`). */
export interface ConvTuning {
  blocks: ConvBlocks;
  /**
   * The fewest invocations a weight gradient should run: below it, the sum over the N·Ho·Wo
   * output positions is split among more invocations (partial sums, then one more dispatch adds
   * them), so a small filter bank still fills the device.
   */
  splitTarget: number;
}

const blocks = (channels: number, positions: number): ConvBlocks => ({
  forward: { channels, positions },
  inputGrad: { channels, positions },
  weightGrad: { channels, positions },
});

/**
 * The settings per kind of adapter (see {@link convTuningFor}); the engine copies the one it
 * uses, so changing `engine.conv` never changes these.
 */
export const CONV_TUNING: Readonly<Record<'lavapipe' | 'swiftshader' | 'gpu', Readonly<ConvTuning>>> = {
  lavapipe: { blocks: blocks(16, 8), splitTarget: 2048 },
  swiftshader: { blocks: blocks(4, 4), splitTarget: 2048 },
  gpu: { blocks: blocks(4, 4), splitTarget: 65536 },
};

/** The kind of adapter a tuning table is keyed by, from its description (e.g. `llvmpipe … (mesa) software`). */
export function adapterKind(description: string): 'lavapipe' | 'swiftshader' | 'gpu' {
  return /llvmpipe|lavapipe/i.test(description)
    ? 'lavapipe'
    : /swiftshader|software/i.test(description)
      ? 'swiftshader'
      : 'gpu';
}

/** The convolution settings for an adapter, from its description. */
export function convTuningFor(description: string): ConvTuning {
  return structuredClone(CONV_TUNING[adapterKind(description)]) as ConvTuning;
}

/**
 * Output rows per invocation of the register-blocked matmul (by 4 columns), per kind of adapter.
 * lavapipe: on the rnn-lm bench's four decoder products (700 × 256 × 10,000 each way,
 * bench/matmul-rows.ts) 16 rows ran 1.3–1.5× faster than 4 (8: 1.2×, 12 ≈ 16, 32 slower than 8).
 * SwiftShader compiles unrolled kernels slowly (see above) and the H100 measured 4: both keep 4.
 */
export const MATMUL_ROWS: Readonly<Record<'lavapipe' | 'swiftshader' | 'gpu', number>> = {
  lavapipe: 16,
  swiftshader: 4,
  gpu: 4,
};

/**
 * Output columns per invocation of the register-blocked matmul (vec4s of them), per kind of
 * adapter. lavapipe loads every per-invocation value as 8 scalar loads (one per SIMD lane), so
 * the block's loads per k step — rows + columns — are what to amortise: on the MLP step's products
 * and a 1024² product (bench/matmul-blocks.ts) 16 × 8 ran 1.4–1.9× faster than 16 × 4 (8 × 16,
 * 16 × 16, 24 × 8, 32 × 8 no faster). Elsewhere 4, as measured on the H100.
 */
export const MATMUL_COLS: Readonly<Record<'lavapipe' | 'swiftshader' | 'gpu', number>> = {
  lavapipe: 8,
  swiftshader: 4,
  gpu: 4,
};

/**
 * The subgroup width whose lanes share the register matmul's A rows by `subgroupBroadcast`
 * (`engine.matmulShuffle`; 0: each lane loads them itself), per kind of adapter. On lavapipe, where
 * every per-lane load is 8 scalar loads, one load per lane and 16 broadcasts replace 16 loads per
 * lane: in alternating runs of bench/matmul-blocks.ts the 1024² product took 105–121 ms against
 * 129–204 ms without. Used only where the device has subgroups laid out as rows of 8 (probed at
 * creation: subgroup-probe.ts). Elsewhere 0: not measured.
 */
export const MATMUL_SHUFFLE: Readonly<Record<'lavapipe' | 'swiftshader' | 'gpu', number>> = {
  lavapipe: 8,
  swiftshader: 0,
  gpu: 0,
};
