// The fast trainer's inner loops, over Float32Array weights.
//
// NOTE: every function here is self-contained (no imports, no module constants, no closures):
// the worker threads run them from their source text (see WORKER_SOURCE in node/hogwild-source.ts),
// so the calling thread and every worker execute exactly the same code.

/** The SIMD kernels' exports as the trainer calls them (byte addresses; see simd-module.ts). */
export interface RowKernels {
  row(out: number, h: number, e: number, n: number, label: number, lr: number): number;
  add(dst: number, src: number, n: number): void;
  scale(dst: number, s: number, n: number): void;
  negatives(out: number, h: number, e: number, n: number, targets: number, count: number, lr: number): void;
  sum(dst: number, base: number, ids: number, count: number, n: number): void;
  spread(base: number, ids: number, count: number, src: number, n: number): void;
  context(out: number, h: number, e: number, n: number, targets: number, count: number, lr: number): void;
}

/** The tables every thread reads: subsampling, the negative-sampling alias table, Huffman codes. */
export interface TrainingTables {
  /** Probability of keeping each word (subsampling); 1 keeps every occurrence. */
  keep: Float64Array;
  /** Alias table of the negative-sampling distribution. */
  aliasProbability: Float64Array;
  aliasIndex: Int32Array;
  /** Huffman codes: word w's bits are `codes[codeStart[w] .. codeStart[w + 1])`, its inner nodes the same range of `points`. */
  codes: Uint8Array;
  points: Int32Array;
  codeStart: Int32Array;
}

/** Everything one thread needs to train: weights (possibly shared), corpus, tables, scratch. */
export interface KernelState extends TrainingTables {
  /** Input vectors, `vocabulary × stride` (the word vectors; `dim` values then padding). */
  syn0: Float32Array;
  /** Output vectors of negative sampling, `vocabulary × stride` (empty when `negative` is 0). */
  syn1neg: Float32Array;
  /** Inner-node vectors of hierarchical softmax, `(vocabulary − 1) × stride` (empty without `hs`). */
  syn1: Float32Array;
  dim: number;
  /** Floats from one row to the next (`dim` rounded up to a multiple of 4 for the SIMD kernels). */
  stride: number;
  window: number;
  negative: number;
  /** 1: hierarchical softmax as well. */
  hs: number;
  /** 1: CBOW; 0: skip-gram. */
  cbow: number;
  alpha: number;
  minAlpha: number;
  /** Words of all epochs together (the denominator of the learning-rate decay). */
  totalWords: number;
  /** Word ids of the corpus, sentence after sentence (words outside the vocabulary removed). */
  ids: Int32Array;
  /** Sentence `s` is `ids[starts[s] .. starts[s + 1])`. */
  starts: Int32Array;
  /** Words trained by each thread so far (all epochs); this thread writes slot `slot` only. */
  progress: Float64Array;
  slot: number;
  /** Scratch: a sentence after subsampling (its length is the longest sentence trained at once). */
  sentence: Int32Array;
  /** JavaScript kernel's scratch of `dim` values: the input vector (h) and its pending update (e). */
  hidden: Float64Array;
  update: Float64Array;
  /** The SIMD kernels, or null for the JavaScript loops. With them, the weights live in `heap`. */
  simd: RowKernels | null;
  /** The whole wasm memory as floats, and the byte addresses of the weights and of this thread's h and e rows. */
  heap: Float32Array;
  syn0Address: number;
  syn1negAddress: number;
  syn1Address: number;
  hiddenAddress: number;
  updateAddress: number;
  /** Byte address of this thread's `negative + 1` int32 output rows of one input (SIMD kernels). */
  targetsAddress: number;
  /** Byte address of this thread's `2 · window` int32 context words of one centre (CBOW, SIMD kernels). */
  contextAddress: number;
  /** The random state (a Weyl sequence, see `mix32`), carried across calls. */
  rng: Uint32Array;
  /** The learning rate used last (read by progress reports). */
  lr: number;
}

/**
 * The random numbers: a Weyl sequence (`x += 0x9e3779b9`) through splitmix32's finalizer — cheap,
 * and unlike a bare xorshift32 its consecutive outputs are not linearly related (which measurably
 * hurt quality: the window and the negatives are drawn one after the other). Returns a uint32.
 */
export function mix32(x: number): number {
  let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * One output row against the input vector `h` (the update rule of word2vec, i.e. one SGD step on
 * `−log σ(±h·v)`): with `f = h·v` and `g = lr·(label − σ(f))`, adds `g·v` to the input's pending
 * update `e` and `g·h` to the output row `v = out[row .. row + dim)`. Returns `g`.
 */
export function updateOutputRow(
  out: Float32Array,
  row: number,
  h: Float64Array,
  e: Float64Array,
  dim: number,
  label: number,
  lr: number,
): number {
  // four partial sums: a single running sum waits on the adder's latency every element
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  let c = 0;
  for (; c + 3 < dim; c += 4) {
    f0 += h[c] * out[row + c];
    f1 += h[c + 1] * out[row + c + 1];
    f2 += h[c + 2] * out[row + c + 2];
    f3 += h[c + 3] * out[row + c + 3];
  }
  for (; c < dim; c++) f0 += h[c] * out[row + c];
  const f = f0 + f1 + (f2 + f3);
  const g = (label - 1 / (1 + Math.exp(-f))) * lr;
  for (c = 0; c < dim; c++) {
    const v = out[row + c];
    e[c] += g * v;
    out[row + c] = v + g * h[c];
  }
  return g;
}

/**
 * Trains sentences `first .. last − 1` once (one epoch's share of a thread), reading and writing
 * the state's weights in place. Per sentence: the learning rate from all threads' progress
 * (`alpha · (1 − done / total)`, floored at `minAlpha`), subsampling, then every kept word as the
 * centre of a window shrunk by a uniform `b ∈ [0, window)` (the C tool's dynamic window).
 */
export function trainSentences(st: KernelState, first: number, last: number): void {
  const syn0 = st.syn0;
  const syn1neg = st.syn1neg;
  const syn1 = st.syn1;
  const dim = st.dim;
  const stride = st.stride;
  const window = st.window;
  const negative = st.negative;
  const hs = st.hs;
  const cbow = st.cbow;
  const ids = st.ids;
  const starts = st.starts;
  const keep = st.keep;
  const aliasProbability = st.aliasProbability;
  const aliasIndex = st.aliasIndex;
  const columns = aliasProbability.length;
  const codes = st.codes;
  const points = st.points;
  const codeStart = st.codeStart;
  const progress = st.progress;
  const slot = st.slot;
  const sentence = st.sentence;
  const maxLength = sentence.length;
  const h = st.hidden;
  const e = st.update;
  const simd = st.simd;
  const heap = st.heap;
  const rowBytes = stride * 4;
  const syn0At = st.syn0Address;
  const syn1negAt = st.syn1negAddress;
  const syn1At = st.syn1Address;
  const hAt = st.hiddenAddress;
  const eAt = st.updateAddress;
  const tAt = st.targetsAddress;
  const targets = simd !== null ? new Int32Array(heap.buffer, tAt, negative + 1) : new Int32Array(0);
  const cAt = st.contextAddress;
  const context = simd !== null ? new Int32Array(heap.buffer, cAt, 2 * window) : new Int32Array(0);
  // skip-gram with negative sampling only: zeroing e, the output rows and h += e in one SIMD call
  const fused = simd !== null && !cbow && !hs && negative > 0;
  const alpha = st.alpha;
  const minAlpha = st.minAlpha;
  const total = st.totalWords;
  const TWO_TO_MINUS_32 = 2.3283064365386963e-10;
  let x = st.rng[0] | 0;
  let lr = st.lr;
  let done = progress[slot];

  for (let s = first; s < last; s++) {
    let all = 0;
    for (let t = 0; t < progress.length; t++) all += t === slot ? done : progress[t];
    lr = alpha * (1 - all / total);
    if (lr < minAlpha) lr = minAlpha;
    let i = starts[s];
    const end = starts[s + 1];
    done += end - i;

    while (i < end) {
      // subsampling: keep each occurrence with probability keep[w]; long sentences in chunks
      let n = 0;
      for (; i < end && n < maxLength; i++) {
        const w = ids[i];
        const p = keep[w];
        if (p < 1) {
          x = (x + 0x9e3779b9) | 0;
          if (mix32(x) * TWO_TO_MINUS_32 >= p) continue;
        }
        sentence[n++] = w;
      }

      for (let pos = 0; pos < n; pos++) {
        const word = sentence[pos];
        x = (x + 0x9e3779b9) | 0;
        const reach = window - Math.floor(mix32(x) * TWO_TO_MINUS_32 * window);
        const lo = Math.max(pos - reach, 0);
        const hi = Math.min(pos + reach, n - 1);
        // CBOW: one input, the mean of the context vectors, for the centre word;
        // skip-gram: each context word's own vector is an input for the centre word
        const inputs = cbow ? 1 : hi - lo;
        let count = 0;
        if (cbow) {
          if (simd === null) h.fill(0);
          for (let j = lo; j <= hi; j++) {
            if (j === pos) continue;
            if (simd !== null) context[count] = sentence[j];
            else {
              const row = sentence[j] * stride;
              for (let c = 0; c < dim; c++) h[c] += syn0[row + c];
            }
            count++;
          }
          if (count === 0) continue;
          if (simd !== null) simd.sum(hAt, syn0At, cAt, count, stride);
          if (simd !== null) simd.scale(hAt, 1 / count, stride);
          else for (let c = 0; c < dim; c++) h[c] /= count;
        }
        for (let k = 0, j = lo; k < inputs; k++, j++) {
          let input = 0; // skip-gram: the row of the context word's vector
          let inAt = hAt;
          if (!cbow) {
            if (j === pos) j++;
            input = sentence[j] * stride;
            inAt = syn0At + input * 4;
          }
          if (simd !== null) {
            if (!fused) heap.fill(0, eAt >> 2, (eAt >> 2) + stride);
          } else {
            if (!cbow) for (let c = 0; c < dim; c++) h[c] = syn0[input + c];
            e.fill(0);
          }
          if (hs) {
            for (let d = codeStart[word]; d < codeStart[word + 1]; d++) {
              const label = 1 - codes[d];
              if (simd !== null) simd.row(syn1At + points[d] * rowBytes, inAt, eAt, stride, label, lr);
              else updateOutputRow(syn1, points[d] * stride, h, e, dim, label, lr);
            }
          }
          if (negative > 0) {
            let rows = 0;
            for (let d = 0; d <= negative; d++) {
              let target = word;
              if (d > 0) {
                x = (x + 0x9e3779b9) | 0;
                const u = mix32(x) * TWO_TO_MINUS_32 * columns;
                const col = u | 0;
                target = u - col < aliasProbability[col] ? col : aliasIndex[col];
                if (target === word) continue;
              }
              if (simd !== null) targets[rows++] = target;
              else updateOutputRow(syn1neg, target * stride, h, e, dim, d === 0 ? 1 : 0, lr);
            }
            if (fused) simd!.context(syn1negAt, inAt, eAt, stride, tAt, rows, lr);
            else if (simd !== null) simd.negatives(syn1negAt, inAt, eAt, stride, tAt, rows, lr);
          }
          // the input vector(s) take the update: every context word the whole of it in CBOW,
          // as the C tool and gensim do
          if (cbow) {
            if (simd !== null) simd.spread(syn0At, cAt, count, eAt, stride);
            else {
              for (let jj = lo; jj <= hi; jj++) {
                if (jj === pos) continue;
                const row = sentence[jj] * stride;
                for (let c = 0; c < dim; c++) syn0[row + c] += e[c];
              }
            }
          } else if (simd !== null) {
            if (!fused) simd.add(inAt, eAt, stride);
          } else for (let c = 0; c < dim; c++) syn0[input + c] += e[c];
        }
      }
    }
    progress[slot] = done;
  }
  st.rng[0] = x;
  st.lr = lr;
}
