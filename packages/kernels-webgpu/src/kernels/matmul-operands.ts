/**
 * WGSL shared by both matmul kernels: reads the sizes and strides from the metadata and turns the
 * batch index `z` into the start of that batch's A and B (broadcast batch axes have stride 0).
 * Meta: [M, N, K, aOff, bOff, aRs, aCs, bRs, bCs, batchRank, batchShape…, aBatchStrides…, bBatchStrides…]
 */
export function matmulOperands(z: string): string {
  return `  let M = params[0];
  let N = params[1];
  let K = params[2];
  let batchRank = params[9];
  var aBase = params[3];
  var bBase = params[4];
  var rem = i32(${z});
  for (var d = batchRank - 1; d >= 0; d = d - 1) {
    let dim = params[10 + d];
    let idx = rem % dim;
    rem = rem / dim;
    aBase = aBase + idx * params[10 + batchRank + d];
    bBase = bBase + idx * params[10 + 2 * batchRank + d];
  }
  let aRs = params[5];
  let aCs = params[6];
  let bRs = params[7];
  let bCs = params[8];`;
}
