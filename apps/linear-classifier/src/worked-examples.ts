import { tensor } from '@mlblocks/autograd';
import { fromArray, type NDArray, tidy } from '@mlblocks/core-tensor';
import { crossEntropy } from '@mlblocks/nn-layers';

/** Every number of the lesson's worked examples, as the library computed them. */
export interface WorkedExamples {
  /** The example's weights (3 classes × 4 pixels), pixels and biases. */
  W: number[][];
  x: number[];
  b: number[];
  /** W·x for the 4-pixel image (no bias). */
  wx: number[];
  /** W·x + b. */
  scores: number[];
  logits: number[];
  exp: number[];
  expSum: number;
  softmax: number[];
  /** Index of the true class in `logits` (the label "7"). */
  label: number;
  /** −log p(label), by hand from the softmax above. */
  lossByHand: number;
  /** The same loss from the library's fused, stable cross-entropy on the logits. */
  loss: number;
  /** −log p(c) for every class c: the loss had the label been c. */
  lossPerClass: number[];
}

const read = (a: NDArray) => [...a.dataSync()];
// small numbers, read back at once: always on the CPU, whatever backend training uses
const cpu = { backend: 'cpu' };

/**
 * The lesson's examples, computed by mlblocks (core-tensor for the arithmetic, nn-layers for the
 * loss):
 * 1. scores of a 4-pixel image for 3 classes, `W·x + b`;
 * 2. softmax of the scores [3.2, 5.1, −1.7], step by step: exp, then normalize;
 * 3. the cross-entropy loss −log p(label) for the label "7", the class with score 5.1.
 */
export function computeWorkedExamples(label = 1): WorkedExamples {
  return tidy(() => {
    const W = fromArray(
      [
        [0.2, -0.5, 0.1, 2.0],
        [1.5, 1.3, 2.1, 0.0],
        [0, 0.25, 0.2, -0.3],
      ],
      cpu,
    );
    const x = fromArray([56, 231, 24, 2], cpu);
    const b = fromArray([1.1, 3.2, -1.2], cpu);
    const wx = W.matmul(x);

    const s = fromArray([3.2, 5.1, -1.7], cpu);
    const e = s.exp();
    const sum = e.sum();
    const p = e.div(sum);
    const logits = tensor(s.reshape(1, 3));
    const loss = crossEntropy(logits, fromArray([label], { dtype: 'int32', ...cpu }));
    return {
      W: W.toArraySync() as number[][],
      x: read(x),
      b: read(b),
      wx: read(wx),
      scores: read(wx.add(b)),
      logits: read(s),
      exp: read(e),
      expSum: sum.item(),
      softmax: read(p),
      label,
      lossByHand: p.slice(label).log().neg().item(),
      loss: loss.item(),
      lossPerClass: read(s.logSoftmax().neg()),
    };
  });
}

/** float32 values printed with the digits they were written with (0.2, not 0.20000000298). */
const short = (v: number) => String(Number(v.toPrecision(6)));
const vec = (values: number[], digits = 2) => `[${values.map((v) => v.toFixed(digits)).join(', ')}]`;

/** The examples as the slides show them. */
export function formatWorkedExamples(ex: WorkedExamples, labelName = '7'): string {
  const third = ex.wx[2]!;
  return [
    '1. Scores of a linear classifier, h(x) = W·x + b, for a 4-pixel image and 3 classes',
    `   W = [${ex.W.map((row) => `[${row.map(short).join(', ')}]`).join(', ')}]`,
    `   x = [${ex.x.map(short).join(', ')}]   b = [${ex.b.map(short).join(', ')}]`,
    `   W·x     = ${vec(ex.wx)}`,
    `   W·x + b = ${vec(ex.scores)}`,
    `   note: the slide's third score, ${third.toFixed(2)}, is W·x without the bias; with b₃ = ${short(ex.b[2]!)} it is ${ex.scores[2]!.toFixed(2)}.`,
    '',
    `2. Softmax turns scores into probabilities: s = ${vec(ex.logits, 1)}`,
    `   exp(s)            = ${vec(ex.exp)}`,
    `   Σ exp(s)          = ${ex.expSum.toFixed(2)}`,
    `   exp(s) / Σ exp(s) = ${vec(ex.softmax)}   (sums to ${ex.softmax.reduce((a, v) => a + v, 0).toFixed(2)})`,
    '',
    `3. Cross-entropy loss for the label "${labelName}" (class ${ex.label}, score ${ex.logits[ex.label]!.toFixed(1)}): L = −log p = −log ${ex.softmax[ex.label]!.toFixed(4)}`,
    `   by hand: ${ex.lossByHand.toFixed(4)}   library (crossEntropy on the scores): ${ex.loss.toFixed(4)}`,
    `   had the label been each class: ${vec(ex.lossPerClass)} — a confident wrong answer costs most`,
  ].join('\n');
}
