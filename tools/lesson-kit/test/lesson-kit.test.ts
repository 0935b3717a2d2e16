import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDefaultBackend, listBackends, zeros } from '@mlblocks/core-tensor';
import { describe, expect, it } from 'vitest';
import {
  accuracyOf,
  confusionMatrix,
  confusionMatrixSpec,
  formatConfusionMatrix,
  learningCurveSpec,
  positiveInt,
  renderSvg,
  selectBackend,
  writePlot,
} from '../src/index.js';

describe('lesson-kit', () => {
  it('counts a confusion matrix and its accuracy', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3);
    expect(m).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    expect(accuracyOf(m)).toBeCloseTo(4 / 6);
    expect(formatConfusionMatrix(m, ['0', '1', 'Dress'])).toContain('2 Dress');
  });

  it('renders Vega-Lite specs to SVG and PNG files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lesson-kit-'));
    try {
      const points = [0, 1, 2].map((epoch) => ({ epoch, value: 1 / (epoch + 1), series: 'test' }));
      const files = await writePlot(learningCurveSpec(points, points, 'curves'), dir, 'curves');
      expect((await readFile(files.svg, 'utf8')).startsWith('<svg')).toBe(true);
      const png = await readFile(files.png);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const svg = await renderSvg(
        confusionMatrixSpec(
          [
            [3, 1],
            [0, 4],
          ],
          ['a', 'b'],
          'cm',
        ),
      );
      expect(svg).toContain('<text');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses CLI numbers strictly', () => {
    expect(positiveInt('12')).toBe(12);
    expect(() => positiveInt('1.5')).toThrow(/positive integer/);
    expect(() => positiveInt('0')).toThrow(/positive integer/);
  });

  it('selects the CPU backend', async () => {
    const backend = await selectBackend('cpu');
    expect(backend.name).toBe('cpu');
    expect(getDefaultBackend()).toBe('cpu');
    backend.release();
  });

  it('auto picks a backend that works and gives the CPU default back on release', async () => {
    const notices: string[] = [];
    const backend = await selectBackend('auto', (line) => notices.push(line));
    expect(['cpu', 'wasm', 'webgpu']).toContain(backend.name);
    expect(getDefaultBackend()).toBe(backend.name);
    expect(await zeros([2, 3]).add(1).sum().itemAsync()).toBe(6); // created on the chosen backend
    backend.release();
    expect(getDefaultBackend()).toBe('cpu');
    expect(listBackends()).not.toContain('wasm');
    expect(listBackends()).not.toContain('webgpu');
  });
});
