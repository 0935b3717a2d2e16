/**
 * Counts of (true class, predicted class) pairs: `matrix[t][p]` is how many images of class `t`
 * were predicted as `p`. The diagonal holds the correct predictions.
 */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numClasses: number,
): number[][] {
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]!]![predictions[i]!]!++;
  return matrix;
}

/** Fraction of correct predictions (the matrix's trace over its total). */
export function accuracyOf(matrix: readonly (readonly number[])[]): number {
  let correct = 0;
  let total = 0;
  matrix.forEach((row, t) => {
    row.forEach((n, p) => {
      total += n;
      if (t === p) correct += n;
    });
  });
  return total === 0 ? 0 : correct / total;
}

/** The confusion matrix as text: rows are true classes, columns predictions. */
export function formatConfusionMatrix(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
): string {
  // "3 Dress" for named classes, just "3" where the name is the index (digits)
  const labels = classNames.map((n, i) => {
    const name = n === String(i) ? '' : ` ${n.length > 10 ? `${n.slice(0, 9)}…` : n}`;
    return `${i}${name}`;
  });
  const rowWidth = Math.max(...labels.map((l) => l.length), 'true \\ pred'.length);
  const cell = Math.max(5, ...matrix.flat().map((n) => String(n).length + 1));
  const header = `${'true \\ pred'.padEnd(rowWidth)} ${classNames.map((_, p) => String(p).padStart(cell)).join('')}`;
  const rows = matrix.map(
    (row, t) => `${labels[t]!.padEnd(rowWidth)} ${row.map((n) => String(n).padStart(cell)).join('')}`,
  );
  return [header, ...rows].join('\n');
}
