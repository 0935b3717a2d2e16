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
