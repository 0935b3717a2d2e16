// Single-precision matrix multiply, GotoBLAS/BLIS style: B is packed into KC×NC blocks of NR-wide
// slivers, A into MC×KC blocks of MR-tall (pre-broadcast) slivers (packing absorbs any strides, so transposed or
// sliced operands cost nothing extra), and the generated 4×8 micro-kernel keeps the 8 accumulator
// vectors in registers. Edge tiles are computed into a small tile and copied, so the micro-kernel
// never sees a partial tile. Every output element sums its K products in the same order whatever
// the tile it lands in, so splitting rows or columns across threads gives bit-identical results.
import { MR, micro, NR } from './microkernel.gen';
import { B_DGRAD, B_IM2COL, B_IM2COL_T } from './ops.gen';
import { packDgrad, packIm2col, packIm2colT, TAP_TABLE_BYTES } from './window';

const KC = 256;
const MC = 64;
const NC = 512;

/** Bytes of scratch one sgemm call needs (packed B block, packed A block, edge tile). */
export function gemmScratchBytes(): i32 {
  return (KC * NC + 4 * MC * KC + MR * NR) * 4 + TAP_TABLE_BYTES + 64;
}

// packed B: for each sliver of NR columns, kc rows of NR values (zero-padded past nc)
function packB(kc: i32, nc: i32, b: usize, brs: i32, bcs: i32, pb: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = min(NR, nc - j0);
    const dst = pb + ((<usize>(j0 * kc)) << 2);
    if (w === NR && bcs === 1) {
      for (let k = 0; k < kc; k++) {
        const src = b + ((<usize>(k * brs + j0)) << 2);
        v128.store(dst + ((<usize>(k * NR)) << 2), v128.load(src));
        v128.store(dst + ((<usize>(k * NR)) << 2), v128.load(src, 16), 16);
      }
    } else if (w === NR && brs === 1) {
      // B is a transposed row-major matrix (x·Wᵀ): each of the sliver's 8 columns is contiguous
      // along k, so read 4 k at a time from each and transpose 4×4 blocks in registers
      const cb = b + ((<usize>(j0 * bcs)) << 2);
      const step = (<usize>bcs) << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const src = cb + ((<usize>k) << 2);
        const row = dst + ((<usize>(k * NR)) << 2);
        transpose4(src, step, row);
        transpose4(src + step * 4, step, row + 16);
      }
      for (; k < kc; k++) {
        const row = dst + ((<usize>(k * NR)) << 2);
        for (let j = 0; j < NR; j++)
          store<f32>(row + ((<usize>j) << 2), load<f32>(cb + <usize>j * step + ((<usize>k) << 2)));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const row = dst + ((<usize>(k * NR)) << 2);
        for (let j = 0; j < NR; j++) {
          const v: f32 = j < w ? load<f32>(b + ((<usize>(k * brs + (j0 + j) * bcs)) << 2)) : 0;
          store<f32>(row + ((<usize>j) << 2), v);
        }
      }
    }
  }
}

// Four columns of 4 values (column j at src + j·step) stored as 4 rows of a packed-B sliver, the
// row for k at dst + k·NR·4 bytes: a 4×4 transpose in registers.
function transpose4(src: usize, step: usize, dst: usize): void {
  const c0 = v128.load(src);
  const c1 = v128.load(src + step);
  const c2 = v128.load(src + step * 2);
  const c3 = v128.load(src + step * 3);
  const t0 = i32x4.shuffle(c0, c1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(c2, c3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(c0, c1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(c2, c3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst, i32x4.shuffle(t0, t1, 2, 3, 6, 7), NR * 4);
  v128.store(dst, i32x4.shuffle(t2, t3, 0, 1, 4, 5), NR * 8);
  v128.store(dst, i32x4.shuffle(t2, t3, 2, 3, 6, 7), NR * 12);
}

// packed A: for each sliver of MR rows, kc columns of MR values (zero-padded past mc), each value
// stored pre-broadcast as a full v128 (4 copies). The micro-kernel then reads it with a plain
// v128.load whose offset V8 folds into the address; load32_splat with an offset costs an extra lea
// per value. Its loop is bound by instruction issue, not by FLOPs, so this is worth the 4× bigger
// A block (64 KiB → 256 KiB, still inside L2): +8–10% GFLOP/s at n = 512–1024.
function packA(mc: i32, kc: i32, a: usize, ars: i32, acs: i32, pa: usize): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = min(MR, mc - i0);
    const dst = pa + ((<usize>(i0 * kc)) << 4);
    if (h === MR) {
      const r0 = a + ((<usize>(i0 * ars)) << 2);
      const r1 = a + ((<usize>((i0 + 1) * ars)) << 2);
      const r2 = a + ((<usize>((i0 + 2) * ars)) << 2);
      const r3 = a + ((<usize>((i0 + 3) * ars)) << 2);
      for (let k = 0; k < kc; k++) {
        const o = dst + ((<usize>(k * MR)) << 4);
        const kk = (<usize>(k * acs)) << 2;
        v128.store(o, v128.load32_splat(r0 + kk));
        v128.store(o, v128.load32_splat(r1 + kk), 16);
        v128.store(o, v128.load32_splat(r2 + kk), 32);
        v128.store(o, v128.load32_splat(r3 + kk), 48);
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const o = dst + ((<usize>(k * MR)) << 4);
        for (let i = 0; i < MR; i++) {
          const v: f32 = i < h ? load<f32>(a + ((<usize>((i0 + i) * ars + k * acs)) << 2)) : 0;
          v128.store(o + ((<usize>i) << 4), f32x4.splat(v));
        }
      }
    }
  }
}

/**
 * c[M×N] (row stride ldc elements) = (accumulate ? c : 0) + a[M×K] · b[K×N], with a at any element
 * strides and b a strided matrix (`bKind` B_STRIDED: b, brs, bcs) or one that a window descriptor
 * at `b` describes (B_IM2COL, B_IM2COL_T, B_DGRAD, whose columns start at `bCol0`: see window.ts).
 * `scratch` must hold gemmScratchBytes() bytes, 16-byte aligned.
 */
export function sgemm(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  ars: i32,
  acs: i32,
  bKind: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  accumulate: bool,
  bCol0: i32,
  scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (let i = 0; i < M; i++) memory.fill(c + ((<usize>(i * ldc)) << 2), 0, (<usize>N) << 2);
    return;
  }
  const pb = scratch;
  const pa = pb + ((<usize>(KC * NC)) << 2);
  const tile = pa + ((<usize>(MC * KC)) << 4);
  const ldcBytes = (<usize>ldc) << 2;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const add = accumulate || pc > 0;
      if (bKind === B_IM2COL) packIm2col(kc, nc, pc, bCol0 + jc, b, pb, tile + ((<usize>(MR * NR)) << 2));
      else if (bKind === B_IM2COL_T)
        packIm2colT(kc, nc, pc, bCol0 + jc, b, pb, tile + ((<usize>(MR * NR)) << 2));
      else if (bKind === B_DGRAD) packDgrad(kc, nc, pc, bCol0 + jc, b, pb);
      else packB(kc, nc, b + ((<usize>(pc * brs + jc * bcs)) << 2), brs, bcs, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(mc, kc, a + ((<usize>(ic * ars + pc * acs)) << 2), ars, acs, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = pb + ((<usize>(jr * kc)) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = pa + ((<usize>(ir * kc)) << 4);
            const cp = c + <usize>(ic + ir) * ldcBytes + ((<usize>(jc + jr)) << 2);
            if (mr === MR && nr === NR) {
              micro(kc, ap, bp, cp, ldcBytes, add);
            } else {
              micro(kc, ap, bp, tile, NR << 2, false);
              for (let i = 0; i < mr; i++) {
                for (let j = 0; j < nr; j++) {
                  const t = load<f32>(tile + ((<usize>(i * NR + j)) << 2));
                  const p = cp + <usize>i * ldcBytes + ((<usize>j) << 2);
                  store<f32>(p, add ? load<f32>(p) + t : t);
                }
              }
            }
          }
        }
      }
    }
  }
}

/** int32 fields of one call in an sgemm list. */
const CALL_INTS = 14;

/**
 * Runs `count` sgemm calls described at `list` (14 int32 each: M, N, K, a, ars, acs, bKind, b, brs,
 * bcs, c, ldc, accumulate, bCol0): one thread's share of a (batched) matmul or convolution.
 */
export function sgemm_list(count: i32, list: usize, scratch: usize): void {
  for (let t = 0; t < count; t++) {
    const p = list + <usize>(t * CALL_INTS * 4);
    sgemm(
      load<i32>(p),
      load<i32>(p, 4),
      load<i32>(p, 8),
      load<u32>(p, 12),
      load<i32>(p, 16),
      load<i32>(p, 20),
      load<i32>(p, 24),
      load<u32>(p, 28),
      load<i32>(p, 32),
      load<i32>(p, 36),
      load<u32>(p, 40),
      load<i32>(p, 44),
      load<i32>(p, 48) !== 0,
      load<i32>(p, 52),
      scratch,
    );
  }
}
