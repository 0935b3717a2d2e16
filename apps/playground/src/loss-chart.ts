import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Live loss curves (train and test against steps), a Vega-Lite chart fed row by row. */
export class LossChart {
  private view: View | null = null;

  constructor(private readonly element: HTMLElement) {}

  async reset(): Promise<void> {
    this.view?.finalize();
    const spec: TopLevelSpec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 280,
      height: 160,
      data: { name: 'losses' },
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { type: 'log' } },
        color: {
          field: 'set',
          type: 'nominal',
          title: null,
          scale: { domain: ['train', 'test'], range: ['#0877bd', '#f59322'] },
          legend: { orient: 'top' },
        },
      },
    };
    this.view = new View(parse(compile(spec).spec), {
      renderer: 'svg',
      container: this.element,
      hover: false,
    });
    await this.view.runAsync();
  }

  async add(step: number, train: number, test: number): Promise<void> {
    if (!this.view) return;
    const floor = (v: number) => Math.max(v, 1e-4); // log scale
    await this.view
      .insert('losses', [
        { step, loss: floor(train), set: 'train' },
        { step, loss: floor(test), set: 'test' },
      ])
      .runAsync();
  }
}
