import { noGrad, type Tensor, tensor } from '@mlblocks/autograd';
import { type NDArray, tidy } from '@mlblocks/core-tensor';
import { type Conv2d, ReLU, Tanh } from '@mlblocks/nn-layers';
import type { LeNet5 } from '@mlblocks/nn-layers/models';
import type { PlotFiles, TopLevelSpec } from 'lesson-kit';
import { writePlot } from 'lesson-kit';

/** One small image of a grid: a filter or a feature map, row by row. */
export interface Panel {
  name: string;
  width: number;
  height: number;
  values: ArrayLike<number>;
}

/**
 * A grid of small heat maps (Vega-Lite facets): filters on a diverging red–blue scale symmetric
 * around 0 (red excites, blue inhibits), feature maps on a gray scale from 0 (black) to each
 * map's largest activation (white).
 */
export function panelGridSpec(
  panels: readonly Panel[],
  options: { title: string; columns: number; cell: number; diverging: boolean },
): TopLevelSpec {
  const values: { panel: string; x: number; y: number; v: number }[] = [];
  let max = 0;
  let min = 0;
  for (const p of panels) {
    // feature maps: each scaled to its own largest value (maps of one layer differ by orders of magnitude)
    let peak = 0;
    for (let i = 0; i < p.width * p.height; i++) peak = Math.max(peak, Math.abs(p.values[i]!));
    const scale = options.diverging || peak === 0 ? 1 : 1 / peak;
    for (let i = 0; i < p.width * p.height; i++) {
      const v = p.values[i]! * scale;
      max = Math.max(max, v);
      min = Math.min(min, v);
      values.push({ panel: p.name, x: i % p.width, y: Math.floor(i / p.width), v });
    }
  }
  const { width, height } = panels[0]!;
  const bound = Math.max(Math.abs(min), Math.abs(max)) || 1;
  const color = options.diverging
    ? { scheme: 'redblue' as const, reverse: true, domain: [-bound, bound] }
    : { range: ['black', 'white'], domain: [Math.min(0, min), max || 1] };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    padding: 12,
    data: { values },
    facet: {
      field: 'panel',
      type: 'nominal',
      title: null,
      sort: panels.map((p) => p.name),
      header: { labelFontSize: 11 },
    },
    columns: options.columns,
    spec: {
      width: width * options.cell,
      height: height * options.cell,
      mark: 'rect',
      encoding: {
        x: { field: 'x', type: 'ordinal', axis: null },
        y: { field: 'y', type: 'ordinal', axis: null },
        color: {
          field: 'v',
          type: 'quantitative',
          scale: color,
          title: options.diverging ? 'weight' : 'activation',
        },
      },
    },
  };
}

/** The first convolution's filters, one panel per output channel (input channel 0). */
export async function filterPanels(net: LeNet5): Promise<Panel[]> {
  const weight = (net.features[0] as Conv2d).weight;
  const [count, , h, w] = weight.shape as [number, number, number, number];
  const data = await weight.array.data();
  return Array.from({ length: count }, (_, c) => ({
    name: `filter ${c}`,
    width: w,
    height: h,
    values: data.subarray(c * h * w, (c + 1) * h * w) as Float32Array,
  }));
}

/** One image's feature maps after each nonlinearity of `features` (eval mode), by stage. */
export async function featureMapPanels(net: LeNet5, image: NDArray): Promise<Panel[][]> {
  const wasTraining = net.training;
  net.eval();
  const outputs = tidy(() =>
    noGrad(() => {
      const maps: NDArray[] = [];
      let h = tensor(image.ref()); // our own handle: the scope frees it, the caller keeps theirs
      for (const layer of net.features) {
        h = layer.forward(h) as Tensor;
        if (layer instanceof ReLU || layer instanceof Tanh) maps.push(h.array.ref());
      }
      return maps;
    }),
  );
  net.train(wasTraining);
  const stages: Panel[][] = [];
  for (const [s, out] of outputs.entries()) {
    const [, count, h, w] = out.shape as [number, number, number, number];
    const data = await out.data();
    out.dispose();
    stages.push(
      Array.from({ length: count }, (_, c) => ({
        name: `conv${s + 1} map ${c}`,
        width: w,
        height: h,
        values: data.subarray(c * h * w, (c + 1) * h * w) as Float32Array,
      })),
    );
  }
  return stages;
}

/** Writes the filters and one test image with its feature maps (PNG + SVG each). */
export async function writeFilterAndFeaturePlots(
  outDir: string,
  net: LeNet5,
  image: NDArray,
  pixels: Uint8Array,
  caption: string,
): Promise<{ filters: PlotFiles; featureMaps: PlotFiles[] }> {
  const filters = await writePlot(
    panelGridSpec(await filterPanels(net), {
      title: 'first-layer filters (5×5; red excites, blue inhibits)',
      columns: 6,
      cell: 14,
      diverging: true,
    }),
    outDir,
    'filters',
  );
  const side = Math.round(Math.sqrt(pixels.length));
  const input: Panel = { name: 'input', width: side, height: side, values: pixels };
  const featureMaps: PlotFiles[] = [];
  for (const [s, panels] of (await featureMapPanels(net, image)).entries()) {
    const shown = s === 0 ? [input, ...panels] : panels;
    featureMaps.push(
      await writePlot(
        panelGridSpec(shown, {
          title: `${caption}: feature maps after conv${s + 1} (${panels[0]!.height}×${panels[0]!.width})`,
          columns: s === 0 ? 7 : 8,
          cell: s === 0 ? 4 : 8,
          diverging: false,
        }),
        outDir,
        `feature-maps-conv${s + 1}`,
      ),
    );
  }
  return { filters, featureMaps };
}
