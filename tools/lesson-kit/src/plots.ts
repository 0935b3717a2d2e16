import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The files one plot was written to. */
export interface PlotFiles {
  svg: string;
  png: string;
}

export type { TopLevelSpec };

/**
 * Renders a Vega-Lite spec headlessly: Vega-Lite compiles it to Vega, Vega's view renders SVG
 * (no canvas, no browser), and resvg rasterizes the SVG to PNG. Writes `<dir>/<name>.svg` and
 * `<dir>/<name>.png`.
 */
export async function writePlot(
  spec: TopLevelSpec,
  dir: string,
  name: string,
  options: { scale?: number } = {},
): Promise<PlotFiles> {
  const svg = await renderSvg(spec);
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  await mkdir(dir, { recursive: true });
  const files = { svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) };
  await writeFile(files.svg, svg);
  await writeFile(files.png, png);
  return files;
}

/** The SVG markup of a Vega-Lite spec (rendered by Vega's headless view). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
