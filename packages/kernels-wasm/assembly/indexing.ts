// gather / scatter-add over contiguous operands seen as [outer, D, inner] (`axis` splits the shape).

/** out[r, j, :] = x[r, idx[j], :] for elements of 1 << shift bytes. */
export function gather(
  shift: i32,
  outer: i32,
  D: i32,
  inner: i32,
  count: i32,
  x: usize,
  idx: usize,
  out: usize,
): void {
  const rowBytes = (<usize>inner) << shift;
  let o = out;
  for (let r = 0; r < outer; r++) {
    const base = x + <usize>r * <usize>D * rowBytes;
    for (let j = 0; j < count; j++) {
      const from = base + <usize>load<i32>(idx + ((<usize>j) << 2)) * rowBytes;
      if (inner === 1 && shift === 2) store<u32>(o, load<u32>(from));
      else memory.copy(o, from, rowBytes);
      o += rowBytes;
    }
  }
}

/** out (zeroed, float32) [r, idx[j], :] += src[r, j, :]. */
export function scatter_add_f32(
  outer: i32,
  D: i32,
  inner: i32,
  count: i32,
  idx: usize,
  src: usize,
  out: usize,
): void {
  let from = src;
  for (let r = 0; r < outer; r++) {
    for (let j = 0; j < count; j++) {
      const to =
        out + (((<usize>r * <usize>D + <usize>load<i32>(idx + ((<usize>j) << 2))) * <usize>inner) << 2);
      let t = 0;
      for (; t + 4 <= inner; t += 4) {
        const p = to + ((<usize>t) << 2);
        v128.store(p, f32x4.add(v128.load(p), v128.load(from + ((<usize>t) << 2))));
      }
      for (; t < inner; t++) {
        const p = to + ((<usize>t) << 2);
        store<f32>(p, load<f32>(p) + load<f32>(from + ((<usize>t) << 2)));
      }
      from += (<usize>inner) << 2;
    }
  }
}

// Index lists often hold runs of consecutive positions: im2col's for a stride-1 convolution is
// made of output-row-long runs. Copying (or adding) a run with v128 moves instead of one element
// per index is what makes a convolution's gather and its gradient's scatter-add fast.

/** Splits idx[0..count) into runs of consecutive values, written as (j, first, length) int32 triples; returns their number. */
export function index_runs(count: i32, idx: usize, runs: usize): i32 {
  let n = 0;
  let j = 0;
  while (j < count) {
    const first = load<i32>(idx + ((<usize>j) << 2));
    let len = 1;
    while (j + len < count && load<i32>(idx + ((<usize>(j + len)) << 2)) === first + len) len++;
    const p = runs + <usize>n * 12;
    store<i32>(p, j);
    store<i32>(p, first, 4);
    store<i32>(p, len, 8);
    n++;
    j += len;
  }
  return n;
}

/** gather of 4-byte elements with inner = 1, by runs: out[r, j + t] = x[r, first + t]. */
export function gather_runs32(
  outer: i32,
  D: i32,
  count: i32,
  runCount: i32,
  runs: usize,
  x: usize,
  out: usize,
): void {
  for (let r = 0; r < outer; r++) {
    const base = x + ((<usize>r * <usize>D) << 2);
    const o = out + ((<usize>r * <usize>count) << 2);
    for (let q = 0; q < runCount; q++) {
      const p = runs + <usize>q * 12;
      const dst = o + ((<usize>load<i32>(p)) << 2);
      const src = base + ((<usize>load<i32>(p, 4)) << 2);
      const len = load<i32>(p, 8);
      let t = 0;
      for (; t + 4 <= len; t += 4) v128.store(dst + ((<usize>t) << 2), v128.load(src + ((<usize>t) << 2)));
      for (; t < len; t++) store<u32>(dst + ((<usize>t) << 2), load<u32>(src + ((<usize>t) << 2)));
    }
  }
}

/** scatter-add of float32 with inner = 1, by runs: out[r, first + t] += src[r, j + t]. */
export function scatter_add_runs_f32(
  outer: i32,
  D: i32,
  count: i32,
  runCount: i32,
  runs: usize,
  src: usize,
  out: usize,
): void {
  for (let r = 0; r < outer; r++) {
    const base = out + ((<usize>r * <usize>D) << 2);
    const s = src + ((<usize>r * <usize>count) << 2);
    for (let q = 0; q < runCount; q++) {
      const p = runs + <usize>q * 12;
      const from = s + ((<usize>load<i32>(p)) << 2);
      const to = base + ((<usize>load<i32>(p, 4)) << 2);
      const len = load<i32>(p, 8);
      let t = 0;
      for (; t + 4 <= len; t += 4) {
        const at = to + ((<usize>t) << 2);
        v128.store(at, f32x4.add(v128.load(at), v128.load(from + ((<usize>t) << 2))));
      }
      for (; t < len; t++) {
        const at = to + ((<usize>t) << 2);
        store<f32>(at, load<f32>(at) + load<f32>(from + ((<usize>t) << 2)));
      }
    }
  }
}
