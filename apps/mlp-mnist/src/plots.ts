import {
  confusionMatrixSpec,
  type History,
  learningCurvePoints,
  learningCurveSpec,
  type PlotFiles,
  writePlot,
} from 'lesson-kit';

/** Writes the learning curves and the test confusion matrix; returns the files by plot. */
export async function writePlots(
  outDir: string,
  history: History,
  confusion: number[][],
  classNames: readonly string[],
  title: string,
): Promise<Record<'learningCurve' | 'confusionMatrix', PlotFiles>> {
  const { loss, accuracy } = learningCurvePoints(history);
  const learningCurve = await writePlot(learningCurveSpec(loss, accuracy, title), outDir, 'learning-curve');
  const confusionMatrix = await writePlot(
    confusionMatrixSpec(confusion, classNames, `${title}: test confusion matrix`),
    outDir,
    'confusion-matrix',
  );
  return { learningCurve, confusionMatrix };
}
