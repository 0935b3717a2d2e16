import type { TopLevelSpec } from 'vega-lite';

/**
 * A confusion-matrix heat map (true class down, predicted class across) with the counts written
 * in the cells.
 */
export function confusionMatrixSpec(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  title: string,
): TopLevelSpec {
  const values = matrix.flatMap((row, t) =>
    row.map((count, p) => ({ truth: classNames[t], predicted: classNames[p], count, t, p })),
  );
  const max = Math.max(...matrix.flat());
  const order = { sort: [...classNames] };
  const labelAngle = classNames.some((n) => n.length > 2) ? -40 : 0;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    padding: 12,
    width: 36 * classNames.length,
    height: 36 * classNames.length,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted class', ...order, axis: { labelAngle } },
      y: { field: 'truth', type: 'ordinal', title: 'true class', ...order },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'count',
            type: 'quantitative',
            scale: { scheme: 'blues', type: 'sqrt' },
            title: 'images',
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: {
            condition: [
              { test: `datum.count > ${max * 0.4}`, value: 'white' },
              { test: 'datum.count === 0', value: '#9aa5b1' },
            ],
            value: 'black',
          },
        },
      },
    ],
  };
}

/** A row in a learning-curve table: one value of one series at one point of training. */
export interface CurvePoint {
  /** Epochs done (fractional inside an epoch). */
  epoch: number;
  value: number;
  /** The line it belongs to, e.g. "train loss", "test accuracy". */
  series: string;
}

/**
 * Learning curves: loss on the left panel, accuracy on the right, one line per series, against
 * epochs.
 */
export function learningCurveSpec(loss: CurvePoint[], accuracy: CurvePoint[], title: string): TopLevelSpec {
  const panel = (values: CurvePoint[], yTitle: string, zero: boolean) => ({
    width: 320,
    height: 220,
    data: { values },
    mark: { type: 'line' as const, point: values.length < 60, strokeWidth: 1.8 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' as const, title: 'epoch' },
      y: { field: 'value', type: 'quantitative' as const, title: yTitle, scale: { zero } },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        legend: { orient: 'bottom' as const, labelLimit: 400 },
      },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    padding: 12,
    hconcat: [panel(loss, 'cross-entropy loss', true), panel(accuracy, 'accuracy', false)],
    resolve: { scale: { color: 'independent' } },
  };
}
