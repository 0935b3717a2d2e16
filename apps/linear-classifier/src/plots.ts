import {
  confusionMatrixSpec,
  type History,
  learningCurvePoints,
  learningCurveSpec,
  type PlotFiles,
  writePlot,
} from 'lesson-kit';
import { templatesSpec } from './templates.js';

export type PlotName = 'learningCurve' | 'confusionMatrix' | 'templates';

/** Writes the learning curves, the confusion matrix and the templates (rows of W). */
export async function writePlots(
  outDir: string,
  title: string,
  history: History,
  confusion: number[][],
  weights: Float32Array,
  data: { classNames: readonly string[]; height: number; width: number },
): Promise<Record<PlotName, PlotFiles>> {
  const { loss, accuracy } = learningCurvePoints(history);
  return {
    learningCurve: await writePlot(learningCurveSpec(loss, accuracy, title), outDir, 'learning-curve'),
    confusionMatrix: await writePlot(
      confusionMatrixSpec(confusion, data.classNames, `${title}: test confusion matrix`),
      outDir,
      'confusion-matrix',
    ),
    templates: await writePlot(
      templatesSpec(weights, data.classNames, data.height, data.width, `${title}: the rows of W as images`),
      outDir,
      'templates',
    ),
  };
}
