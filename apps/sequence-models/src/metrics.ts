import { confusionMatrix, formatPercent } from 'lesson-kit';

/** Accuracy, and precision, recall and F1 of the positive class (label 1: male, spam). */
export interface BinaryScores {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  confusion: number[][];
}

/** The scores of `predictions` against `labels`. */
export function binaryScores(labels: ArrayLike<number>, predictions: ArrayLike<number>): BinaryScores {
  const confusion = confusionMatrix(labels, predictions, 2);
  const [[tn, fp], [fn, tp]] = confusion as [[number, number], [number, number]];
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return {
    accuracy: (tp + tn) / Math.max(1, labels.length),
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    confusion,
  };
}

/** A Markdown table of models' scores on the test split. */
export function scoreTable(
  rows: readonly { model: string; scores: BinaryScores; speed: string }[],
  positive: string,
): string {
  const head = `| model | accuracy | precision (${positive}) | recall (${positive}) | F1 | training speed |`;
  const lines = rows.map(
    ({ model, scores: s, speed }) =>
      `| ${model} | ${formatPercent(s.accuracy)} | ${formatPercent(s.precision)} | ${formatPercent(s.recall)} | ${s.f1.toFixed(3)} | ${speed} |`,
  );
  return [head, '| --- | ---: | ---: | ---: | ---: | ---: |', ...lines].join('\n');
}
