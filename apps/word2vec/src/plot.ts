import { ValueError } from '@mlblocks/core-tensor';
import { type KeyedVectors, pca2d, umap2d } from '@mlblocks/word2vec';
import { Resvg } from '@resvg/resvg-js';
import { renderSvg, type TopLevelSpec } from 'lesson-kit';
import { writeAtomic } from './files.js';

/** Countries and capitals, and the pairs of Mikolov's arrows (those in the vocabulary are plotted). */
export const DEFAULT_PLOT_WORDS = [
  'man',
  'woman',
  'king',
  'queen',
  'france',
  'paris',
  'germany',
  'berlin',
  'russia',
  'moscow',
  'china',
  'peking',
  'japan',
  'tokyo',
  'italy',
  'rome',
  'spain',
  'madrid',
  'england',
  'london',
];

/** The arrows drawn when both words are plotted. */
export const DEFAULT_ARROWS: [string, string][] = [
  ['man', 'woman'],
  ['king', 'queen'],
];

/** Where a word landed. */
export interface PlottedWord {
  word: string;
  x: number;
  y: number;
}

/**
 * Projects the chosen words' vectors to 2-D (PCA of those words, as in Mikolov et al.'s country →
 * capital figure, or UMAP) and draws them with arrows a → b; writes `<path>.png` and `<path>.svg`.
 */
export async function plotWords(
  vectors: KeyedVectors,
  words: readonly string[],
  options: {
    path: string;
    method?: 'pca' | 'umap';
    arrows?: readonly (readonly [string, string])[];
    title?: string;
  },
): Promise<{ png: string; svg: string; points: PlottedWord[]; missing: string[] }> {
  const present = [...new Set(words)].filter((w) => vectors.has(w));
  const missing = words.filter((w) => !vectors.has(w));
  if (present.length < 3) {
    throw new ValueError(
      'plot',
      `need at least 3 words with vectors, got ${present.length} (missing: ${missing.join(', ') || 'none'})`,
    );
  }
  const rows = new Float32Array(present.length * vectors.dim);
  for (const [i, w] of present.entries()) rows.set(vectors.vector(w), i * vectors.dim);
  const { points } =
    options.method === 'umap'
      ? umap2d(rows, vectors.dim, { nNeighbors: Math.min(5, present.length - 1) })
      : pca2d(rows, vectors.dim);
  const plotted = present.map((word, i) => ({ word, x: points[2 * i]!, y: points[2 * i + 1]! }));
  const at = new Map(plotted.map((p) => [p.word, p]));
  const arrows = (options.arrows ?? DEFAULT_ARROWS).filter(([a, b]) => at.has(a) && at.has(b));

  const size = 520;
  const xs = plotted.map((p) => p.x);
  const ys = plotted.map((p) => p.y);
  const pad = (lo: number, hi: number) =>
    [lo - 0.12 * (hi - lo || 1), hi + 0.12 * (hi - lo || 1)] as [number, number];
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const lines = arrows.map(([a, b]) => {
    const [p, q] = [at.get(a)!, at.get(b)!];
    // the head's angle on screen (clockwise from up), with the axes' different scales
    const dx = ((q.x - p.x) / (x1 - x0)) * size;
    const dy = ((q.y - p.y) / (y1 - y0)) * size;
    return { from: a, to: b, x: p.x, y: p.y, x2: q.x, y2: q.y, angle: (Math.atan2(dx, dy) * 180) / Math.PI };
  });
  const axis = { title: null, labels: false, ticks: false };
  const x = { field: 'x', type: 'quantitative' as const, scale: { domain: [x0, x1] }, axis };
  const y = { field: 'y', type: 'quantitative' as const, scale: { domain: [y0, y1] }, axis };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `word vectors in 2-D (${options.method === 'umap' ? 'UMAP' : 'PCA'})`,
    width: size,
    height: size,
    padding: 12,
    config: { axis: { grid: false } },
    layer: [
      {
        data: { values: plotted },
        mark: { type: 'circle', size: 40, color: '#1f77b4' },
        encoding: { x, y },
      },
      {
        data: { values: lines },
        mark: { type: 'rule', color: '#d62728', strokeWidth: 1.5 },
        encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } },
      },
      {
        data: { values: lines },
        mark: { type: 'point', shape: 'triangle', filled: true, color: '#d62728', size: 90 },
        encoding: {
          x: { ...x, field: 'x2' },
          y: { ...y, field: 'y2' },
          angle: { field: 'angle', type: 'quantitative', scale: null },
        },
      },
      {
        data: { values: plotted },
        mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 12 },
        encoding: { x, y, text: { field: 'word', type: 'nominal' } },
      },
    ],
  };
  const svg = await renderSvg(spec);
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  const base = options.path.replace(/\.(png|svg)$/, '');
  const files = { png: `${base}.png`, svg: `${base}.svg` };
  await writeAtomic(files.svg, svg);
  await writeAtomic(files.png, png);
  return { ...files, points: plotted, missing };
}
