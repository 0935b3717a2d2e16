// Convolution as implicit GEMM: the sgemm packs its B operand straight from the image, so the
// im2col matrix is never materialised — each KC×NC block of it is built in the packed-B scratch
// (NR-wide slivers) and consumed by the micro-kernel while it is in cache. The three products of a
// convolution layer, per image and group (K = C/groups·kh·kw taps, Ho·Wo output positions):
//   forward      y[Co, HoWo]  = W[Co, K] · im2col(x)[K, HoWo]                      (B_IM2COL)
//   weight grad  dW[Co, K]   += dy[Co, HoWo] · im2col(x)ᵀ[HoWo, K]                  (B_IM2COL_T)
//   input grad   dx[C, HW]    = Wᵀ[C, Co·kh·kw] · B[Co·kh·kw, HW], B gathered from dy:
//                stride 1: a forward convolution of dy with the flipped filters    (B_IM2COL)
//                stride > 1: B[(co,i,j),(h,w)] = dy[co, (h+p−i·d)/s, (w+p−j·d)/s] (B_DGRAD)
// and max pooling with the index of each window's maximum.
//
// A B-operand descriptor (int32): image address, channels, image height, width, kh, kw, stride
// (2), padding (2), dilation (2), and the height and width of the column space (the output
// positions for im2col; the input positions for B_DGRAD).
// B operand kinds (ops.gen.ts): B_STRIDED, a strided matrix (b, brs, bcs); B_IM2COL, the im2col
// matrix of the image a descriptor names (rows (c, i, j), columns (y, x)); B_IM2COL_T, that matrix
// transposed; B_DGRAD, an output gradient gathered back onto input positions.
import { NR } from './microkernel.gen';

// descriptor fields (int32 offsets)
const IMG = 0;
// 1: channels (the host's bookkeeping; the packings count taps instead)
const IH = 2;
const IW = 3;
const KH = 4;
const KW = 5;
const SH = 6;
const SW = 7;
const PH = 8;
const PW = 9;
const DH = 10;
const DW = 11;
const OH = 12;
const OW = 13;

function field(d: usize, f: i32): i32 {
  return load<i32>(d + ((<usize>f) << 2));
}

/**
 * Packs rows pc … pc+kc and columns jc … jc+nc of the im2col matrix into NR-wide slivers (zero past
 * nc). A sliver whose NR output positions lie in one output row, with stride 1 and every tap in
 * range, is two vector loads; edges go element by element.
 */
export function packIm2col(kc: i32, nc: i32, pc: i32, jc: i32, d: usize, pb: usize, cols0: usize): void {
  const img = <usize>field(d, IMG);
  const H = field(d, IH);
  const W = field(d, IW);
  const kh = field(d, KH);
  const kw = field(d, KW);
  const sh = field(d, SH);
  const sw = field(d, SW);
  const ph = field(d, PH);
  const pw = field(d, PW);
  const dh = field(d, DH);
  const dw = field(d, DW);
  const wo = field(d, OW);
  const taps = kh * kw;
  const plane = H * W;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = min(NR, nc - j0);
    const q0 = jc + j0;
    const y0 = q0 / wo;
    const x0 = q0 - y0 * wo;
    // the sliver's columns lie in one output row, or (past a row's end) in two; narrower outputs
    // go column by column
    const lenA = w === NR ? min(NR, wo - x0) : 0;
    const twoRows = lenA > 0 && lenA < NR && wo >= NR;
    if (lenA === 0 || (lenA < NR && !twoRows)) {
      // the (y, x) of each of the sliver's columns, once per sliver rather than a division per element
      let y = y0;
      let x = x0;
      for (let jj = 0; jj < NR; jj++) {
        store<i32>(cols0 + ((<usize>jj) << 2), y);
        store<i32>(cols0 + ((<usize>(NR + jj)) << 2), x);
        if (++x === wo) {
          x = 0;
          y++;
        }
      }
    }
    const dst = pb + ((<usize>(j0 * kc)) << 2);
    let c = pc / taps;
    let i = (pc - c * taps) / kw;
    let j = pc - c * taps - i * kw;
    for (let k = 0; k < kc; k++) {
      const row = dst + ((<usize>(k * NR)) << 2);
      const base = img + ((<usize>(c * plane)) << 2);
      const r0 = y0 * sh + i * dh - ph;
      const col0 = x0 * sw + j * dw - pw;
      if (lenA === NR) copyRun(row, base, r0, col0, NR, H, W, sw);
      else if (twoRows) {
        copyRun(row, base, r0, col0, lenA, H, W, sw);
        copyRun(row + ((<usize>lenA) << 2), base, r0 + sh, j * dw - pw, NR - lenA, H, W, sw);
      } else {
        for (let jj = 0; jj < NR; jj++) {
          let v: f32 = 0;
          if (jj < w) {
            const r = load<i32>(cols0 + ((<usize>jj) << 2)) * sh + i * dh - ph;
            const col = load<i32>(cols0 + ((<usize>(NR + jj)) << 2)) * sw + j * dw - pw;
            if (r >= 0 && r < H && col >= 0 && col < W) v = load<f32>(base + ((<usize>(r * W + col)) << 2));
          }
          store<f32>(row + ((<usize>jj) << 2), v);
        }
      }
      if (++j === kw) {
        j = 0;
        if (++i === kh) {
          i = 0;
          c++;
        }
      }
    }
  }
}

// Writes `len` values of input row r (columns col0, col0 + sw, …) to `row`, zero where the window
// reads the padding: two vector loads for a full sliver inside the image, a plain copy for a part.
function copyRun(row: usize, base: usize, r: i32, col0: i32, len: i32, H: i32, W: i32, sw: i32): void {
  if (r < 0 || r >= H) {
    for (let jj = 0; jj < len; jj++) store<f32>(row + ((<usize>jj) << 2), 0);
    return;
  }
  const src = base + ((<usize>(r * W)) << 2);
  if (sw === 1 && col0 >= 0 && col0 + len <= W) {
    const from = src + ((<usize>col0) << 2);
    if (len === NR) {
      v128.store(row, v128.load(from));
      v128.store(row, v128.load(from, 16), 16);
    } else
      for (let jj = 0; jj < len; jj++)
        store<f32>(row + ((<usize>jj) << 2), load<f32>(from + ((<usize>jj) << 2)));
    return;
  }
  for (let jj = 0; jj < len; jj++) {
    const col = col0 + jj * sw;
    store<f32>(row + ((<usize>jj) << 2), col >= 0 && col < W ? load<f32>(src + ((<usize>col) << 2)) : 0);
  }
}

/** Bytes of per-thread scratch the packings need for their tables (one sliver's taps or columns). */
export const TAP_TABLE_BYTES: i32 = 3 * NR * 4;

/**
 * Packs rows pc … pc+kc (output positions) and columns jc … jc+nc (taps) of the transposed im2col
 * matrix into NR-wide slivers: the weight gradient's B operand.
 */
export function packIm2colT(kc: i32, nc: i32, pc: i32, jc: i32, d: usize, pb: usize, taps0: usize): void {
  // the NR taps of one sliver: each one's channel offset, and its row and column offsets from an
  // output position (in this thread's scratch: threads pack at the same time)
  const tapBase = taps0;
  const tapRow = taps0 + NR * 4;
  const tapCol = taps0 + 2 * NR * 4;
  const img = <usize>field(d, IMG);
  const H = field(d, IH);
  const W = field(d, IW);
  const kh = field(d, KH);
  const kw = field(d, KW);
  const sh = field(d, SH);
  const sw = field(d, SW);
  const wo = field(d, OW);
  const taps = kh * kw;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = min(NR, nc - j0);
    let minRow = i32.MAX_VALUE;
    let maxRow = i32.MIN_VALUE;
    let minCol = i32.MAX_VALUE;
    let maxCol = i32.MIN_VALUE;
    for (let jj = 0; jj < NR; jj++) {
      const t = jc + j0 + min(jj, w - 1);
      const c = t / taps;
      const i = (t - c * taps) / kw;
      const j = t - c * taps - i * kw;
      const dr = i * field(d, DH) - field(d, PH);
      const dc = j * field(d, DW) - field(d, PW);
      store<i32>(tapBase + ((<usize>jj) << 2), c * H * W);
      store<i32>(tapRow + ((<usize>jj) << 2), dr);
      store<i32>(tapCol + ((<usize>jj) << 2), dc);
      minRow = min(minRow, dr);
      maxRow = max(maxRow, dr);
      minCol = min(minCol, dc);
      maxCol = max(maxCol, dc);
    }
    const dst = pb + ((<usize>(j0 * kc)) << 2);
    let y = pc / wo;
    let x = pc - y * wo;
    let k = 0;
    while (k < kc) {
      const ry = y * sh;
      // four positions of one output row, every tap inside the image, stride 1: each tap's four
      // values are contiguous — load them, then transpose 8 taps × 4 positions into 4 rows of 8
      if (
        w === NR &&
        sw === 1 &&
        k + 4 <= kc &&
        x + 4 <= wo &&
        ry + minRow >= 0 &&
        ry + maxRow < H &&
        x + minCol >= 0 &&
        x + 3 + maxCol < W
      ) {
        const row = dst + ((<usize>(k * NR)) << 2);
        const at = img + ((<usize>(ry * W + x)) << 2);
        transpose4(
          row,
          tap(at, W, tapBase, tapRow, tapCol, 0),
          tap(at, W, tapBase, tapRow, tapCol, 1),
          tap(at, W, tapBase, tapRow, tapCol, 2),
          tap(at, W, tapBase, tapRow, tapCol, 3),
        );
        transpose4(
          row + 16,
          tap(at, W, tapBase, tapRow, tapCol, 4),
          tap(at, W, tapBase, tapRow, tapCol, 5),
          tap(at, W, tapBase, tapRow, tapCol, 6),
          tap(at, W, tapBase, tapRow, tapCol, 7),
        );
        k += 4;
        x += 4;
      } else {
        const row = dst + ((<usize>(k * NR)) << 2);
        const rx = x * sw;
        for (let jj = 0; jj < NR; jj++) {
          const r = ry + load<i32>(tapRow + ((<usize>jj) << 2));
          const col = rx + load<i32>(tapCol + ((<usize>jj) << 2));
          let v: f32 = 0;
          if (jj < w && r >= 0 && r < H && col >= 0 && col < W)
            v = load<f32>(img + ((<usize>(load<i32>(tapBase + ((<usize>jj) << 2)) + r * W + col)) << 2));
          store<f32>(row + ((<usize>jj) << 2), v);
        }
        k++;
        x++;
      }
      if (x === wo) {
        x = 0;
        y++;
      }
    }
  }
}

// Four consecutive values of tap jj at the positions whose first input pixel is `at`.
function tap(at: usize, W: i32, tapBase: usize, tapRow: usize, tapCol: usize, jj: i32): v128 {
  const off =
    load<i32>(tapBase + ((<usize>jj) << 2)) +
    load<i32>(tapRow + ((<usize>jj) << 2)) * W +
    load<i32>(tapCol + ((<usize>jj) << 2));
  return v128.load(at + ((<usize>off) << 2));
}

// Writes the 4×4 transpose of (a, b, c, d) — four taps × four positions — as four rows of a
// sliver (row stride NR floats): row r holds position r's four taps.
function transpose4(row: usize, a: v128, b: v128, c: v128, d: v128): void {
  const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd0 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const cd1 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(row, i32x4.shuffle(ab0, cd0, 0, 1, 4, 5));
  v128.store(row + NR * 4, i32x4.shuffle(ab0, cd0, 2, 3, 6, 7));
  v128.store(row + 2 * NR * 4, i32x4.shuffle(ab1, cd1, 0, 1, 4, 5));
  v128.store(row + 3 * NR * 4, i32x4.shuffle(ab1, cd1, 2, 3, 6, 7));
}

/**
 * Packs rows pc … pc+kc ((co, i, j) taps of the output gradient) and columns jc … jc+nc (input
 * positions) of a strided convolution's adjoint: dy[co, (h+p−i·d)/s, (w+p−j·d)/s] where that
 * division is exact and in range, else 0.
 */
export function packDgrad(kc: i32, nc: i32, pc: i32, jc: i32, d: usize, pb: usize): void {
  const img = <usize>field(d, IMG);
  const ho = field(d, IH);
  const wo = field(d, IW);
  const kh = field(d, KH);
  const kw = field(d, KW);
  const sh = field(d, SH);
  const sw = field(d, SW);
  const ph = field(d, PH);
  const pw = field(d, PW);
  const dh = field(d, DH);
  const dw = field(d, DW);
  const W = field(d, OW);
  const taps = kh * kw;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = min(NR, nc - j0);
    const dst = pb + ((<usize>(j0 * kc)) << 2);
    let c = pc / taps;
    let i = (pc - c * taps) / kw;
    let j = pc - c * taps - i * kw;
    for (let k = 0; k < kc; k++) {
      const row = dst + ((<usize>(k * NR)) << 2);
      const base = img + ((<usize>(c * ho * wo)) << 2);
      for (let jj = 0; jj < NR; jj++) {
        let v: f32 = 0;
        if (jj < w) {
          const q = jc + j0 + jj;
          const h = q / W;
          const yy = h + ph - i * dh;
          const xx = q - h * W + pw - j * dw;
          if (yy >= 0 && xx >= 0 && yy % sh === 0 && xx % sw === 0) {
            const yo = yy / sh;
            const xo = xx / sw;
            if (yo < ho && xo < wo) v = load<f32>(base + ((<usize>(yo * wo + xo)) << 2));
          }
        }
        store<f32>(row + ((<usize>jj) << 2), v);
      }
      if (++j === kw) {
        j = 0;
        if (++i === kh) {
          i = 0;
          c++;
        }
      }
    }
  }
}

/**
 * dst = the weights of each group rearranged as the input gradient's A operand: for group g,
 * `[cin, cout·kh·kw]` with dst[c, (co, i, j)] = src[co, c, i, j] — or src[co, c, kh−1−i, kw−1−j]
 * when `flip` (stride 1, where the input gradient is a convolution with the flipped filters).
 */
export function conv_weights_t(
  src: usize,
  dst: usize,
  groups: i32,
  cout: i32,
  cin: i32,
  kh: i32,
  kw: i32,
  flip: bool,
): void {
  const taps = kh * kw;
  let o = dst;
  for (let g = 0; g < groups; g++)
    for (let c = 0; c < cin; c++)
      for (let co = 0; co < cout; co++)
        for (let t = 0; t < taps; t++) {
          const s = flip ? taps - 1 - t : t;
          store<f32>(o, load<f32>(src + ((<usize>(((g * cout + co) * cin + c) * taps + s)) << 2)));
          o += 4;
        }
}

/**
 * Max pooling of `planes` H×W float32 planes: out[p, y, x] = the maximum of the window (padding
 * never wins), idx[p, y, x] = its position y·W + x in the plane (the first of equal maxima; the
 * first NaN wins, as in PyTorch). `g` is a descriptor (its image address and channels unused).
 */
export function max_pool_f32(planes: i32, g: usize, x: usize, out: usize, idx: usize): void {
  const H = field(g, IH);
  const W = field(g, IW);
  const kh = field(g, KH);
  const kw = field(g, KW);
  const sh = field(g, SH);
  const sw = field(g, SW);
  const ph = field(g, PH);
  const pw = field(g, PW);
  const dh = field(g, DH);
  const dw = field(g, DW);
  const ho = field(g, OH);
  const wo = field(g, OW);
  if (kh === 2 && kw === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0 && dh === 1 && dw === 1) {
    maxPool2x2(planes, H, W, ho, wo, x, out, idx);
    return;
  }
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = x + ((<usize>(p * H * W)) << 2);
    for (let y = 0; y < ho; y++)
      for (let xo = 0; xo < wo; xo++) {
        let best: f32 = -Infinity;
        let at = -1;
        for (let i = 0; i < kh; i++) {
          const r = y * sh + i * dh - ph;
          if (r < 0 || r >= H) continue;
          for (let j = 0; j < kw; j++) {
            const col = xo * sw + j * dw - pw;
            if (col < 0 || col >= W) continue;
            const v = load<f32>(base + ((<usize>(r * W + col)) << 2));
            if (v > best || at < 0 || Number.isNaN(v)) {
              best = v;
              at = r * W + col;
              if (Number.isNaN(v)) break;
            }
          }
          if (Number.isNaN(best)) break;
        }
        store<f32>(out + (o << 2), best);
        store<i32>(idx + (o << 2), at);
        o++;
      }
  }
}

/**
 * The common 2×2, stride-2 pooling, four outputs at a time: two rows of eight inputs split into
 * their even and odd columns give the four taps of four windows, compared in tap order (so the
 * first maximum wins, and the first NaN: a NaN best is never replaced).
 */
function maxPool2x2(planes: i32, H: i32, W: i32, ho: i32, wo: i32, x: usize, out: usize, idx: usize): void {
  let o: usize = 0;
  const lanes = i32x4(0, 2, 4, 6);
  for (let p = 0; p < planes; p++) {
    const base = x + ((<usize>(p * H * W)) << 2);
    for (let y = 0; y < ho; y++) {
      const r0 = base + ((<usize>(2 * y * W)) << 2);
      const r1 = r0 + ((<usize>W) << 2);
      const rowIndex = 2 * y * W;
      let xo = 0;
      for (; xo + 4 <= wo && 2 * xo + 8 <= W; xo += 4) {
        const a0 = v128.load(r0 + ((<usize>(2 * xo)) << 2));
        const a1 = v128.load(r0 + ((<usize>(2 * xo + 4)) << 2));
        const b0 = v128.load(r1 + ((<usize>(2 * xo)) << 2));
        const b1 = v128.load(r1 + ((<usize>(2 * xo + 4)) << 2));
        const col = i32x4.add(i32x4.splat(rowIndex + 2 * xo), lanes);
        let best = i32x4.shuffle(a0, a1, 0, 2, 4, 6);
        let at = col;
        // tap 1: taken where it is larger, or a NaN where the best so far is not one
        const v0 = i32x4.shuffle(a0, a1, 1, 3, 5, 7);
        const take0 = v128.and(f32x4.eq(best, best), v128.or(f32x4.gt(v0, best), f32x4.ne(v0, v0)));
        best = v128.bitselect(v0, best, take0);
        at = v128.bitselect(i32x4.add(col, i32x4.splat(1)), at, take0);
        // tap 2: taken where it is larger, or a NaN where the best so far is not one
        const v1 = i32x4.shuffle(b0, b1, 0, 2, 4, 6);
        const take1 = v128.and(f32x4.eq(best, best), v128.or(f32x4.gt(v1, best), f32x4.ne(v1, v1)));
        best = v128.bitselect(v1, best, take1);
        at = v128.bitselect(i32x4.add(col, i32x4.splat(W)), at, take1);
        // tap 3: taken where it is larger, or a NaN where the best so far is not one
        const v2 = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
        const take2 = v128.and(f32x4.eq(best, best), v128.or(f32x4.gt(v2, best), f32x4.ne(v2, v2)));
        best = v128.bitselect(v2, best, take2);
        at = v128.bitselect(i32x4.add(col, i32x4.splat(W + 1)), at, take2);
        v128.store(out + (o << 2), best);
        v128.store(idx + (o << 2), at);
        o += 4;
      }
      for (; xo < wo; xo++) {
        let best: f32 = load<f32>(r0 + ((<usize>(2 * xo)) << 2));
        let at = rowIndex + 2 * xo;
        for (let t = 1; t < 4; t++) {
          const off = (t >> 1) * W + (t & 1);
          const v = load<f32>(r0 + ((<usize>(2 * xo + off)) << 2));
          if (!Number.isNaN(best) && (v > best || Number.isNaN(v))) {
            best = v;
            at = rowIndex + 2 * xo + off;
          }
        }
        store<f32>(out + (o << 2), best);
        store<i32>(idx + (o << 2), at);
        o++;
      }
    }
  }
}

/** Max pooling's gradient: out (zero-filled `[planes, plane]`) [p, idx[p, q]] += dy[p, q]. */
export function max_pool_grad_f32(
  planes: i32,
  plane: i32,
  positions: i32,
  dy: usize,
  idx: usize,
  out: usize,
): void {
  let q: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = out + ((<usize>(p * plane)) << 2);
    for (let k = 0; k < positions; k++, q++) {
      const at = base + ((<usize>load<i32>(idx + (q << 2))) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dy + (q << 2)));
    }
  }
}
