// The lesson's network y = W2·σ(W1·x) (W1 ∈ R^{4×3}, W2 ∈ R^{2×4}) with loss ½‖y − t‖²,
// its gradients derived by hand (backprop written out with plain JS loops) vs autograd.
import { tensor } from '@mlblocks/autograd';
import { describe, expect, it } from 'vitest';

const W1 = [
  [0.1, -0.2, 0.3],
  [0.4, 0.5, -0.6],
  [-0.7, 0.8, 0.9],
  [0.2, -0.1, 0.05],
];
const W2 = [
  [0.3, -0.4, 0.2, 0.1],
  [-0.5, 0.6, 0.7, -0.8],
];
const sigma = (v: number) => 1 / (1 + Math.exp(-v));

/** Hand backprop for one column x (3) with target t (2). */
function handGradients(x: number[], t: number[]) {
  const z1 = W1.map((row) => row.reduce((s, w, j) => s + w * x[j]!, 0));
  const h = z1.map(sigma);
  const y = W2.map((row) => row.reduce((s, w, j) => s + w * h[j]!, 0));
  const d2 = y.map((v, i) => v - t[i]!); // dL/dy
  const dW2 = d2.map((d) => h.map((hj) => d * hj)); // δ2 hᵀ
  const d1 = h.map((hj, j) => W2.reduce((s, row, i) => s + row[j]! * d2[i]!, 0) * hj * (1 - hj)); // (W2ᵀδ2) ⊙ σ'
  const dW1 = d1.map((d) => x.map((xk) => d * xk)); // δ1 xᵀ
  return { dW1, dW2 };
}

function expectMatrixClose(actual: number[][], expected: number[][]) {
  actual.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(v).toBeCloseTo(expected[i]![j]!, 5);
    });
  });
}

describe("the lesson's two-layer network", () => {
  it('single input: autograd equals hand-derived backprop', () => {
    const x = [1.0, -2.0, 0.5];
    const t = [0.25, -0.75];
    const w1 = tensor(W1, { requiresGrad: true });
    const w2 = tensor(W2, { requiresGrad: true });
    const y = w2.matmul(w1.matmul(tensor(x)).sigmoid());
    y.sub(tensor(t)).square().sum().mul(0.5).backward();
    const hand = handGradients(x, t);
    expectMatrixClose(w1.grad!.toArraySync() as number[][], hand.dW1);
    expectMatrixClose(w2.grad!.toArraySync() as number[][], hand.dW2);
  });

  it('mini-batch of 3 columns: gradients are the sum of the per-example gradients', () => {
    const X = [
      [1.0, 0.3, -1.2],
      [-2.0, 0.8, 0.4],
      [0.5, -0.1, 2.0],
    ]; // 3 × B, one example per column
    const T = [
      [0.25, 0.0, 1.0],
      [-0.75, 0.5, 0.2],
    ];
    const w1 = tensor(W1, { requiresGrad: true });
    const w2 = tensor(W2, { requiresGrad: true });
    const Y = w2.matmul(w1.matmul(tensor(X)).sigmoid());
    Y.sub(tensor(T)).square().sum().mul(0.5).backward();
    const zero = (r: number, c: number) => Array.from({ length: r }, () => new Array<number>(c).fill(0));
    const dW1 = zero(4, 3);
    const dW2 = zero(2, 4);
    for (let b = 0; b < 3; b++) {
      const g = handGradients(
        X.map((row) => row[b]!),
        T.map((row) => row[b]!),
      );
      for (const [i, row] of g.dW1.entries()) for (const [j, v] of row.entries()) dW1[i]![j]! += v;
      for (const [i, row] of g.dW2.entries()) for (const [j, v] of row.entries()) dW2[i]![j]! += v;
    }
    expectMatrixClose(w1.grad!.toArraySync() as number[][], dW1);
    expectMatrixClose(w2.grad!.toArraySync() as number[][], dW2);
  });
});
