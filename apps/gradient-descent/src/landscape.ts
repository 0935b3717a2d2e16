import { mkdir } from 'node:fs/promises';
import { noGrad, tensor } from '@mlblocks/autograd';
import { linspace, tidy } from '@mlblocks/core-tensor';
import { type PlotFiles, type TopLevelSpec, writePlot } from 'lesson-kit';
import { type Descent, descend, LESSON_SETTINGS } from './descend.js';
import { LOSS_1D_FORMULA, loss1d } from './loss-1d.js';

const X_RANGE: [number, number] = [-1.4, 3.3];
const Y_RANGE: [number, number] = [-3.5, 14];

/** The loss curve sampled by the library (linspace → f). */
function curve(samples = 200): { x: number; loss: number }[] {
  return tidy(() =>
    noGrad(() => {
      const xs = linspace(X_RANGE[0], X_RANGE[1], samples, { backend: 'cpu' });
      const ys = loss1d(tensor(xs));
      const x = xs.dataSync();
      const y = ys.dataSync();
      return Array.from(x, (v, i) => ({ x: v, loss: y[i]! }));
    }),
  );
}

/** A one-line verdict: "η = 0.05, x₀ = 2: global minimum x = 2.500 after 9 steps". */
export function describeDescent(d: Descent): string {
  const last = d.points[d.points.length - 1]!;
  const where =
    d.outcome === 'diverged'
      ? `diverged: x = ${last.x.toPrecision(4)} after ${d.steps} steps`
      : d.outcome === 'not converged yet'
        ? `not converged after ${d.steps} steps (x = ${last.x.toFixed(3)}, f′ = ${last.grad.toFixed(3)})`
        : `${d.outcome} x = ${last.x.toFixed(3)} (f = ${last.loss.toFixed(3)}) after ${d.steps} steps`;
  return `η = ${d.lr}, x₀ = ${d.x0}: ${where}`;
}

/** The curve with the descent's steps on it, numbered and colored from first to last. */
export function descentSpec(d: Descent, lesson: string): TopLevelSpec {
  // points far outside are dropped; those just outside stay, clipped, so a diverging run is seen leaving
  const inView = d.points.filter((p) => Math.abs(p.x) < 1e3);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${lesson}`, subtitle: `${LOSS_1D_FORMULA};  ${describeDescent(d)}` },
    padding: 12,
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: curve() },
        mark: { type: 'line', color: '#888', strokeWidth: 1.5, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: X_RANGE }, title: 'x' },
          y: { field: 'loss', type: 'quantitative', scale: { domain: Y_RANGE }, title: 'f(x)' },
        },
      },
      {
        data: { values: inView },
        mark: { type: 'line', color: '#555', strokeWidth: 1, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
          order: { field: 'step' },
        },
      },
      {
        data: { values: inView },
        mark: { type: 'point', filled: true, size: 55, opacity: 1, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
          color: {
            field: 'step',
            type: 'quantitative',
            scale: { scheme: 'plasma' },
            title: 'step',
            legend: { format: 'd', tickMinStep: 1 },
          },
        },
      },
    ],
  };
}

/** x after each step for every setting: the runs side by side, step by step. */
export function stepsSpec(descents: Descent[], lessons: string[]): TopLevelSpec {
  const values = descents.flatMap((d, i) =>
    d.points
      .filter((p) => Math.abs(p.x) < 1e3) // clipped by the chart, but kept so the line leaves it
      .map((p) => ({ step: p.step, x: p.x, setting: `η = ${d.lr}, x₀ = ${d.x0} (${lessons[i]})` })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Gradient descent step by step', subtitle: LOSS_1D_FORMULA },
    padding: 12,
    width: 520,
    height: 260,
    data: { values },
    mark: { type: 'line', point: { size: 20 }, clip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: {
        field: 'x',
        type: 'quantitative',
        scale: { domain: [X_RANGE[0] - 1, X_RANGE[1] + 1] },
        title: 'x',
      },
      color: {
        field: 'setting',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', columns: 1, labelLimit: 600 },
      },
    },
  };
}

/** What the landscape part returns. */
export interface LandscapeResult {
  descents: Descent[];
  plots: PlotFiles[];
}

/** Runs the lesson's settings, prints one line each, and writes one plot per setting plus the step view. */
export async function runLandscape(options: {
  outDir: string;
  maxSteps?: number;
  log: (line: string) => void;
}): Promise<LandscapeResult> {
  const { outDir, log } = options;
  await mkdir(outDir, { recursive: true });
  log(`Gradient descent on ${LOSS_1D_FORMULA}: local minimum at x = 0, global minimum at x = 2.5\n`);
  const descents: Descent[] = [];
  const plots: PlotFiles[] = [];
  for (const setting of LESSON_SETTINGS) {
    const d = descend(setting.x0, setting.lr, { maxSteps: options.maxSteps });
    descents.push(d);
    log(`  ${setting.lesson.padEnd(44)} ${describeDescent(d)}`);
    const name = `descent-lr${setting.lr}-x${setting.x0}`;
    plots.push(await writePlot(descentSpec(d, setting.lesson), outDir, name));
  }
  plots.push(
    await writePlot(
      stepsSpec(
        descents,
        LESSON_SETTINGS.map((s) => s.lesson),
      ),
      outDir,
      'descent-steps',
    ),
  );
  return { descents, plots };
}
