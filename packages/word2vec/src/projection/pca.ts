import { ValueError } from '@mlblocks/core-tensor';

/** A 2-D projection: x, y per point, plus what the axes are. */
export interface Projection2D {
  /** `n × 2` coordinates, row-major. */
  points: Float64Array;
}

/** What `pca2d` adds: the two principal directions and the share of variance they carry. */
export interface PcaProjection extends Projection2D {
  /** `2 × dim`: the first and second principal directions (unit vectors). */
  components: Float64Array;
  /** Variance along each direction. */
  variance: [number, number];
  /** Their share of the total variance. */
  explainedRatio: [number, number];
}

/**
 * Principal component analysis to two dimensions: the rows (`n × dim`) are centred, their
 * `dim × dim` covariance is formed, and its two leading eigenvectors are found by orthogonal
 * (block power) iteration — deterministic, no random start. Each direction's sign is fixed so its
 * largest component is positive.
 *
 * @example
 * const { points, explainedRatio } = pca2d(vectors.vectors, vectors.dim);
 */
export function pca2d(
  rows: ArrayLike<number>,
  dim: number,
  options: { iterations?: number } = {},
): PcaProjection {
  const n = rows.length / dim;
  if (!(Number.isInteger(n) && n >= 2))
    throw new ValueError('pca2d', `need at least 2 rows of ${dim} values, got ${rows.length} values`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) mean[c]! += rows[i * dim + c]! / n;
  const cov = new Float64Array(dim * dim);
  const x = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) x[c] = rows[i * dim + c]! - mean[c]!;
    for (let a = 0; a < dim; a++) {
      const xa = x[a]!;
      if (xa === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += xa * x[b]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      cov[a * dim + b]! /= n;
      cov[b * dim + a] = cov[a * dim + b]!;
    }
    trace += cov[a * dim + a]!;
  }
  // orthogonal iteration on two vectors, started from fixed, generic directions
  let q = new Float64Array(2 * dim);
  for (let c = 0; c < dim; c++) {
    q[c] = 1 + c / dim;
    q[dim + c] = c % 2 === 0 ? 1 : -1 + c / (2 * dim);
  }
  orthonormalize(q, dim);
  const { iterations = 500 } = options;
  let z = new Float64Array(2 * dim);
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < 2; k++) {
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += cov[a * dim + b]! * q[k * dim + b]!;
        z[k * dim + a] = s;
      }
    }
    orthonormalize(z, dim);
    let change = 0;
    for (let i = 0; i < 2 * dim; i++) change = Math.max(change, Math.abs(Math.abs(z[i]!) - Math.abs(q[i]!)));
    [q, z] = [z, q];
    if (change < 1e-12) break;
  }
  const variance: [number, number] = [0, 0];
  for (let k = 0; k < 2; k++) {
    let largest = 0;
    for (let c = 0; c < dim; c++)
      if (Math.abs(q[k * dim + c]!) > Math.abs(q[k * dim + largest]!)) largest = c;
    if (q[k * dim + largest]! < 0) for (let c = 0; c < dim; c++) q[k * dim + c] = -q[k * dim + c]!;
    let v = 0;
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += cov[a * dim + b]! * q[k * dim + b]!;
      v += q[k * dim + a]! * s;
    }
    variance[k] = v;
  }
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += (rows[i * dim + c]! - mean[c]!) * q[k * dim + c]!;
      points[2 * i + k] = s;
    }
  }
  return {
    points,
    components: q,
    variance,
    explainedRatio: [trace > 0 ? variance[0] / trace : 0, trace > 0 ? variance[1] / trace : 0],
  };
}

/** Gram–Schmidt on the two rows of `q` (`2 × dim`), in place. */
function orthonormalize(q: Float64Array, dim: number): void {
  const norm = (k: number) => {
    let s = 0;
    for (let c = 0; c < dim; c++) s += q[k * dim + c]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < dim; c++) q[k * dim + c]! *= inv;
  };
  norm(0);
  let dot = 0;
  for (let c = 0; c < dim; c++) dot += q[c]! * q[dim + c]!;
  for (let c = 0; c < dim; c++) q[dim + c]! -= dot * q[c]!;
  norm(1);
}
