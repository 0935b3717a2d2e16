import {
  formatPercent,
  formatSeconds,
  loadImageData,
  type PlotFiles,
  type RunOptions,
  selectBackend,
  type TopLevelSpec,
  trainingProgress,
  writePlot,
} from 'lesson-kit';
import { type CompareOptions, compareGdSgd, type LossPoint, type MethodSummary } from './gd-vs-sgd.js';

/** Both methods in one figure: training loss against examples seen (left) and against seconds (right). */
export function comparisonSpec(points: LossPoint[], title: string): TopLevelSpec {
  const panel = (field: 'examples' | 'seconds', axisTitle: string) => ({
    width: 340,
    height: 240,
    mark: { type: 'line' as const, point: { size: 14 }, strokeWidth: 1.6 },
    encoding: {
      x: { field, type: 'quantitative' as const, title: axisTitle },
      y: {
        field: 'loss',
        type: 'quantitative' as const,
        title: 'training loss (all images)',
        scale: { type: 'log' as const },
      },
      color: {
        field: 'method',
        type: 'nominal' as const,
        title: null,
        legend: { orient: 'bottom' as const, labelLimit: 400 },
      },
      order: { field: 'step' },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    padding: 12,
    data: { values: points },
    hconcat: [panel('examples', 'examples seen'), panel('seconds', 'training time (s)')],
  };
}

/** Options of the comparison run. */
export interface CompareRunOptions extends Omit<CompareOptions, 'backend'>, RunOptions {}

/** Runs the comparison, prints a table and writes the figure. */
export async function runComparison(
  options: CompareRunOptions,
): Promise<{ points: LossPoint[]; summaries: MethodSummary[]; plot: PlotFiles }> {
  const { log } = options;
  const backend = await selectBackend(options.backend, log);
  try {
    const data = loadImageData(options);
    log(
      `\nFull-batch gradient descent vs mini-batch SGD: softmax regression on ${data.source} (${data.train.length} training images), lr ${options.lr}, ${options.epochs} epochs each, backend ${backend.name}`,
    );
    const { points, summaries } = await compareGdSgd(
      data,
      { ...options, backend: backend.name },
      trainingProgress(options.progress),
    );
    log('');
    log(
      `${'method'.padEnd(28)} ${'steps'.padStart(6)} ${'examples'.padStart(9)} ${'time'.padStart(8)} ${'train loss'.padStart(11)} ${'test acc'.padStart(9)}`,
    );
    for (const s of summaries) {
      log(
        `${s.method.padEnd(28)} ${String(s.steps).padStart(6)} ${String(s.examples).padStart(9)} ${formatSeconds(s.seconds * 1000).padStart(8)} ${s.trainLoss.toFixed(4).padStart(11)} ${formatPercent(s.testAccuracy).padStart(9)}`,
      );
    }
    const plot = await writePlot(
      comparisonSpec(points, `Full-batch GD vs mini-batch SGD, softmax regression on ${data.source}`),
      options.outDir,
      'gd-vs-sgd',
    );
    return { points, summaries, plot };
  } finally {
    backend.release();
  }
}
