import type { TopLevelSpec } from 'lesson-kit';
import { METHOD_NAMES, METHODS, type Method } from './fine-tune.js';

/**
 * Test accuracy by number of labelled examples, one bar per method (the mean of the repeats) and
 * one dot per run.
 */
export function transferSpec(
  cells: readonly { labels: number; method: Method; accuracies: number[]; mean: number }[],
  title: string,
): TopLevelSpec {
  const order = METHODS.map((m) => METHOD_NAMES[m]);
  const means = cells.map((c) => ({
    labels: `${c.labels} labels`,
    method: METHOD_NAMES[c.method],
    accuracy: c.mean,
  }));
  const runs = cells.flatMap((c) =>
    c.accuracies.map((a) => ({ labels: `${c.labels} labels`, method: METHOD_NAMES[c.method], accuracy: a })),
  );
  const encoding = {
    x: { field: 'labels', type: 'nominal' as const, title: null, sort: null, axis: { labelAngle: 0 } },
    xOffset: { field: 'method', type: 'nominal' as const, sort: order },
    y: {
      field: 'accuracy',
      type: 'quantitative' as const,
      title: 'test accuracy',
      axis: { format: '%' },
      scale: { domain: [0, 1] },
    },
    color: {
      field: 'method',
      type: 'nominal' as const,
      sort: order,
      title: null,
      legend: { orient: 'bottom' as const },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    padding: 12,
    width: 360,
    height: 240,
    layer: [
      { data: { values: means }, mark: { type: 'bar', opacity: 0.75 }, encoding },
      {
        data: { values: runs },
        mark: { type: 'point', filled: true, color: 'black', size: 18 },
        encoding: { ...encoding, color: { value: 'black' } },
      },
      {
        data: { values: means },
        mark: { type: 'text', dy: -8, fontSize: 10 },
        encoding: {
          ...encoding,
          text: { field: 'accuracy', type: 'quantitative', format: '.1%' },
          color: { value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
}
