import { confusionMatrixSpec, learningCurveSpec } from './charts.js';
import { formatPercent } from './cli.js';
import type { Evaluation } from './evaluate.js';
import { type History, learningCurvePoints } from './history.js';
import { confusionMatrix, formatConfusionMatrix } from './metrics.js';
import { type PlotFiles, writePlot } from './plots.js';

/** Counts the test confusion matrix of an evaluation, prints it, and returns it. */
export function reportConfusionMatrix(
  log: (line: string) => void,
  test: Evaluation,
  classNames: readonly string[],
): number[][] {
  const confusion = confusionMatrix(test.labels, test.predictions, classNames.length);
  log('\ntest confusion matrix (rows: true class, columns: predicted)\n');
  log(formatConfusionMatrix(confusion, classNames));
  return confusion;
}

/** Writes a classifier's learning curves and its test confusion matrix (PNG and SVG each). */
export async function writeClassifierPlots(
  outDir: string,
  title: string,
  history: History,
  confusion: number[][],
  classNames: readonly string[],
): Promise<Record<'learningCurve' | 'confusionMatrix', PlotFiles>> {
  const { loss, accuracy } = learningCurvePoints(history);
  return {
    learningCurve: await writePlot(learningCurveSpec(loss, accuracy, title), outDir, 'learning-curve'),
    confusionMatrix: await writePlot(
      confusionMatrixSpec(confusion, classNames, `${title}: test confusion matrix`),
      outDir,
      'confusion-matrix',
    ),
  };
}

/** The last lines of a run: test accuracy, seconds per epoch and backend, then the files written. */
export function reportResult(
  log: (line: string) => void,
  result: { test: Evaluation; secondsPerEpoch: number; backend: string },
  files: readonly (PlotFiles | string)[],
): void {
  const { test, secondsPerEpoch, backend } = result;
  log(
    `\ntest accuracy ${formatPercent(test.accuracy)} (${test.labels.length} images), ${secondsPerEpoch.toFixed(2)} s per epoch on ${backend}`,
  );
  reportWritten(log, files);
}

/** "wrote" and the files, one a line (a plot's PNG, then its SVG). */
export function reportWritten(log: (line: string) => void, files: readonly (PlotFiles | string)[]): void {
  const paths = files.flatMap((f) => (typeof f === 'string' ? [f] : [f.png, f.svg]));
  log(`\nwrote\n${paths.map((p) => `  ${p}`).join('\n')}`);
}
