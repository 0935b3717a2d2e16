import type { TopLevelSpec } from 'lesson-kit';
import type { MetricsRecord } from './train.js';

/** The perplexity curve: train and valid perplexity (log scale) against steps. */
export function perplexitySpec(records: readonly MetricsRecord[], title: string): TopLevelSpec {
  const values = records.flatMap((r) => [
    { step: r.step, perplexity: Math.exp(r.trainLoss), series: 'train (mean since last evaluation)' },
    { step: r.step, perplexity: r.validPerplexity, series: 'valid' },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    padding: 12,
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 1.8 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'perplexity', type: 'quantitative', title: 'perplexity', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } },
    },
  };
}
