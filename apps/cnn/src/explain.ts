import { tensor } from '@mlblocks/autograd';
import { conv2d, fromArray, Generator, maxPool2d, type NDArray, randn, tidy } from '@mlblocks/core-tensor';
import { avgPool2d, conv2dReference, outputSize } from '@mlblocks/nn-layers';
import { type BackendChoice, formatSeconds, selectBackend } from 'lesson-kit';
import { EXPLAIN_DEFAULTS } from './options.js';
import { exactOutputSize, formula, samePadding, type Window } from './output-size.js';

/** What `explain` measured and printed. */
export interface Explanation {
  backend: string;
  /** Seconds of the seven loops and of the backend's kernel (fastest run each), and their ratio. */
  naiveSeconds: number;
  fastSeconds: number;
  speedup: number;
  /** Largest |naive − fast| relative to the largest output. */
  maxRelativeDifference: number;
  /** The slides' cases: output size, or the error message where the filter does not fit. */
  sizes: { window: Window; size: number | null; error: string | null; library: number }[];
  lines: string[];
}

/** The input of the comparison: a mini-batch of 8 images with 16 channels of 32×32, 32 filters 3×3. */
export const COMPARISON = { x: [8, 16, 32, 32], w: [32, 16, 3, 3], padding: 1 } as const;

/**
 * The convolution, step by step, every number computed by the library: the seven nested loops
 * (`conv2dReference`) next to the backend's kernel (`conv2d`) on the same input — equal outputs
 * and the speed ratio; the output-size rule on the slides' cases, including a stride that does not
 * fit; padding that preserves the size; max and average pooling.
 */
export async function explain(
  partial: Partial<{ backend: BackendChoice; seed: number; runs: number; log: (line: string) => void }> = {},
): Promise<Explanation> {
  const options = { ...EXPLAIN_DEFAULTS, ...partial };
  const lines: string[] = [];
  const log = (line = '') => {
    lines.push(line);
    options.log(line);
  };
  const backend = await selectBackend(options.backend, options.log);
  try {
    log(`backend: ${backend.description}\n`);
    // 1. seven loops vs the kernel
    const gen = new Generator(options.seed);
    const x = randn([...COMPARISON.x], { generator: gen });
    const w = randn([...COMPARISON.w], { generator: gen }).mul(0.1);
    const [N, C, H, W] = COMPARISON.x;
    const [Co, , F] = COMPARISON.w;
    const P = COMPARISON.padding;
    const macs = N * Co * H * W * C * F * F;
    log('1. Convolution: seven nested loops vs the backend kernel');
    log(
      `   input [${COMPARISON.x.join(', ')}] (batch, channels, height, width), ${Co} filters ${F}×${F}×${C}, padding ${P}`,
    );
    log(
      `   ${macs.toLocaleString('en-US')} multiply-adds: for n, for c_out, for y, for x, for c_in, for i, for j`,
    );
    let naive: NDArray | null = null;
    let naiveSeconds = Number.POSITIVE_INFINITY;
    for (let r = 0; r < Math.min(options.runs, 2); r++) {
      naive?.dispose();
      const start = performance.now();
      naive = conv2dReference(x, w, null, { padding: P });
      naiveSeconds = Math.min(naiveSeconds, (performance.now() - start) / 1000);
    }
    const [xb, wb] = [x.to(backend.name), w.to(backend.name)];
    let fastSeconds = Number.POSITIVE_INFINITY;
    let fast: ArrayLike<number> = [];
    for (let r = 0; r < options.runs + 1; r++) {
      const start = performance.now();
      const y = conv2d(xb, wb, { padding: P });
      const values = await y.data(); // the kernel's result, read back
      y.dispose();
      if (r > 0) fastSeconds = Math.min(fastSeconds, (performance.now() - start) / 1000); // run 0 warms up
      fast = values;
    }
    const reference = naive!.dataSync();
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < reference.length; i++) {
      worst = Math.max(worst, Math.abs(reference[i]! - fast[i]!));
      largest = Math.max(largest, Math.abs(reference[i]!));
    }
    const maxRelativeDifference = worst / largest;
    const speedup = naiveSeconds / fastSeconds;
    log(`   seven loops (plain JavaScript, float64 sums):   ${formatSeconds(naiveSeconds * 1000)}`);
    log(`   conv2d kernel on ${backend.name} (float32, with readback): ${formatSeconds(fastSeconds * 1000)}`);
    log(
      `   same output [${naive!.shape.join(', ')}]: largest difference ${maxRelativeDifference.toExponential(1)} of the largest value (${maxRelativeDifference === 0 ? 'identical' : 'float32 rounding'}); the kernel is ${speedup.toFixed(0)}× faster`,
    );
    naive!.dispose();
    for (const a of [x, w, xb, wb]) if (!a.isDisposed) a.dispose();

    // 2. the output-size rule
    log('\n2. Output size: (N + 2P − F)/S + 1');
    const cases: Window[] = [1, 2, 3].map((s) => ({ n: 7, f: 3, s, p: 0 }));
    const sizes: Explanation['sizes'] = [];
    for (const c of cases) {
      const library = outputSize('explain', 'width', c.n, c.f, c.s, c.p, 1);
      try {
        const size = exactOutputSize(c);
        const shape = convShape(c, backend.name);
        log(
          `   7×7 input, 3×3 filter, stride ${c.s}: ${formula(c)} = ${size} → ${size}×${size} (conv2d gives [${shape.join(', ')}])`,
        );
        sizes.push({ window: c, size, error: null, library });
      } catch (error) {
        const message = (error as Error).message;
        log(`   7×7 input, 3×3 filter, stride ${c.s}: error — ${message}`);
        log(
          `     (the library, like PyTorch, rounds down to ${library}: the last column of windows is dropped)`,
        );
        sizes.push({ window: c, size: null, error: message, library });
      }
    }
    const stem: Window = { n: 224, f: 7, s: 2, p: 3 };
    const stemSize = outputSize('explain', 'width', stem.n, stem.f, stem.s, stem.p, 1);
    log(
      `   why the library rounds down: ResNet's stem, 224×224, 7×7 filter, stride 2, padding 3: ${formula(stem)} = ${(stem.n + 2 * stem.p - stem.f) / stem.s + 1} → ${stemSize}`,
    );

    // 3. padding that preserves the size
    log('\n3. Padding that keeps the size (stride 1): P = (F − 1)/2');
    for (const f of [3, 5, 7]) {
      const p = samePadding(f);
      const shape = convShape({ n: 32, f, s: 1, p }, backend.name);
      log(
        `   ${f}×${f} filter: P = ${p}; a 32×32 input gives ${shape[2]}×${shape[3]}; without padding ${outputSize('explain', 'width', 32, f, 1, 0, 1)}×${outputSize('explain', 'width', 32, f, 1, 0, 1)}`,
      );
    }

    // 4. pooling
    log('\n4. Pooling: 2×2 windows, stride 2 — no parameters, each channel on its own');
    const slide = [
      [1, 1, 2, 4],
      [5, 6, 7, 8],
      [3, 2, 1, 0],
      [1, 2, 3, 4],
    ];
    const pooled = tidy(() => {
      const input = fromArray(slide, { backend: backend.name }).reshape(1, 1, 4, 4);
      const { values, indices } = maxPool2d(input, 2);
      indices.dispose();
      return { max: values, avg: avgPool2d(tensor(input), 2).array.ref() };
    });
    const [maxValues, avgValues] = await Promise.all([pooled.max.data(), pooled.avg.data()]);
    pooled.max.dispose();
    pooled.avg.dispose();
    const grid = (v: ArrayLike<number>, n: number) =>
      Array.from({ length: n }, (_, r) =>
        Array.from({ length: n }, (_, c) => String(Number(v[r * n + c]!.toFixed(2))).padStart(6)).join(''),
      );
    log('   input              max pool      average pool');
    const inputRows = slide.map((r) => r.map((v) => String(v).padStart(3)).join(''));
    const maxRows = grid(maxValues, 2);
    const avgRows = grid(avgValues, 2);
    inputRows.forEach((row, i) => {
      log(`   ${row}    ${i < 2 ? `${maxRows[i]}   ${avgRows[i]}` : ''}`.trimEnd());
    });
    log(
      `   a 224×224×64 map pooled 2×2 becomes ${outputSize('explain', 'width', 224, 2, 2, 0, 1)}×${outputSize('explain', 'width', 224, 2, 2, 0, 1)}×64: a quarter of the activations, nothing to learn`,
    );
    return { backend: backend.name, naiveSeconds, fastSeconds, speedup, maxRelativeDifference, sizes, lines };
  } finally {
    backend.release();
  }
}

// The shape conv2d gives for one window on a [1, 1, n, n] input (computed, not assumed).
function convShape(c: Window, backend: string): number[] {
  return tidy(() => {
    const x = fromArray(new Float32Array(c.n * c.n), { shape: [1, 1, c.n, c.n], backend });
    const w = fromArray(new Float32Array(c.f * c.f), { shape: [1, 1, c.f, c.f], backend });
    return [...conv2d(x, w, { stride: c.s, padding: c.p }).shape];
  });
}
