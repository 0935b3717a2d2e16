import type { TopLevelSpec } from 'lesson-kit';

/**
 * The rows of W as images: row c of the 10×784 weight matrix, reshaped to 28×28, is the
 * "template" the classifier matches against an image to score class c (score = ⟨W_c, x⟩ + b_c).
 * Red pixels vote for the class, blue ones against it. One panel per class, on a color scale
 * symmetric around 0 shared by all panels.
 */
export function templatesSpec(
  weights: Float32Array,
  classNames: readonly string[],
  height: number,
  width: number,
  title: string,
): TopLevelSpec {
  const pixels = height * width;
  const label = (name: string, c: number) => (name === String(c) ? name : `${c}: ${name}`);
  const values: { class: string; x: number; y: number; w: number }[] = [];
  let max = 0;
  classNames.forEach((name, c) => {
    for (let i = 0; i < pixels; i++) {
      const w = weights[c * pixels + i]!;
      max = Math.max(max, Math.abs(w));
      values.push({ class: label(name, c), x: i % width, y: Math.floor(i / width), w });
    }
  });
  const cell = 4;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    padding: 12,
    data: { values },
    facet: {
      field: 'class',
      type: 'nominal',
      title: null,
      sort: classNames.map(label),
      header: { labelFontSize: 12 },
    },
    columns: 5,
    spec: {
      width: width * cell,
      height: height * cell,
      mark: 'rect',
      encoding: {
        x: { field: 'x', type: 'ordinal', axis: null },
        y: { field: 'y', type: 'ordinal', axis: null },
        color: {
          field: 'w',
          type: 'quantitative',
          scale: { scheme: 'redblue', reverse: true, domain: [-max, max] },
          title: 'weight',
        },
      },
    },
  };
}
