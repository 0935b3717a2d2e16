import type { TopLevelSpec } from 'lesson-kit';

/** One evaluation of a run (a line of metrics.jsonl). */
export interface MetricsRecord {
  attention: string;
  epoch: number;
  step: number;
  trainLoss: number;
  validWer: number;
  validPer: number;
  wordsPerSecond: number;
  seconds: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Learning curves of one or more runs: training loss and validation WER against epochs. */
export function learningCurvesSpec(records: readonly MetricsRecord[], title: string): TopLevelSpec {
  const panel = (field: 'trainLoss' | 'validWer', yTitle: string) => ({
    width: 320,
    height: 220,
    data: {
      values: records.map((r) => ({ epoch: r.epoch, value: r[field], series: `attention ${r.attention}` })),
    },
    mark: { type: 'line' as const, point: true, strokeWidth: 1.8 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' as const, title: 'epoch' },
      y: { field: 'value', type: 'quantitative' as const, title: yTitle },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        legend: { orient: 'bottom' as const },
      },
    },
  });
  return {
    $schema: SCHEMA,
    title,
    padding: 12,
    hconcat: [
      panel('trainLoss', 'training loss (nats/phoneme)'),
      panel('validWer', 'validation WER (greedy)'),
    ],
  };
}

/** An attention heat map: output phonemes (rows) against input letters (columns). */
export function attentionSpec(
  word: string,
  phonemes: readonly string[],
  weights: readonly Float32Array[],
  title: string,
): TopLevelSpec {
  const letters = [...word];
  const outputs = [...phonemes, '</s>'];
  const values = weights.flatMap((row, t) =>
    [...row].map((w, j) => ({
      letter: `${j + 1}:${letters[j]}`,
      phoneme: `${t + 1}:${outputs[t]}`,
      weight: w,
    })),
  );
  const labelExpr = "split(datum.value, ':')[1]";
  return {
    $schema: SCHEMA,
    title,
    padding: 12,
    data: { values },
    mark: 'rect',
    width: 24 * letters.length,
    height: 20 * outputs.length,
    encoding: {
      x: {
        field: 'letter',
        type: 'ordinal',
        sort: null,
        title: 'letters',
        axis: { labelExpr, labelAngle: 0 },
      },
      y: { field: 'phoneme', type: 'ordinal', sort: null, title: 'phonemes', axis: { labelExpr } },
      color: {
        field: 'weight',
        type: 'quantitative',
        scale: { scheme: 'greys', domain: [0, 1] },
        title: 'α',
      },
    },
  };
}
