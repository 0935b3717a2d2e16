import { type History, type PlotFiles, writeClassifierPlots, writePlot } from 'lesson-kit';
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
  return {
    ...(await writeClassifierPlots(outDir, title, history, confusion, data.classNames)),
    templates: await writePlot(
      templatesSpec(weights, data.classNames, data.height, data.width, `${title}: the rows of W as images`),
      outDir,
      'templates',
    ),
  };
}
