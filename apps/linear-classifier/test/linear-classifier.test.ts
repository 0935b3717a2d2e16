// Smoke test: the worked examples' numbers, and softmax regression trained in-process on a few
// hundred digits for one epoch (plots, templates and weights written).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../src/cli.js';
import { train } from '../src/train.js';
import { computeWorkedExamples, formatWorkedExamples } from '../src/worked-examples.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linear-classifier-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('linear-classifier', () => {
  it('computes the lesson’s worked examples with the library', () => {
    const ex = computeWorkedExamples();
    for (const [i, v] of [-96.8, 437.9, 60.75].entries()) expect(ex.scores[i]).toBeCloseTo(v, 3);
    expect(ex.wx[2]).toBeCloseTo(61.95, 3); // the slide's number: W·x without the bias
    for (const [i, v] of [0.13, 0.87, 0.0].entries()) expect(ex.softmax[i]).toBeCloseTo(v, 2);
    expect(ex.expSum).toBeCloseTo(Math.exp(3.2) + Math.exp(5.1) + Math.exp(-1.7), 3);
    expect(ex.loss).toBeCloseTo(-Math.log(ex.softmax[1]!), 5);
    expect(ex.lossByHand).toBeCloseTo(ex.loss, 5);
    const text = formatWorkedExamples(ex);
    expect(text).toContain('W·x + b = [-96.80, 437.90, 60.75]');
    expect(text).toContain('[0.13, 0.87, 0.00]');
    expect(text).toContain("the slide's third score, 61.95");
  });

  it('trains softmax regression for an epoch and writes curves, confusion matrix, templates, weights', async () => {
    const lines: string[] = [];
    const result = await train({
      backend: 'cpu',
      trainSize: 500,
      testSize: 200,
      epochs: 1,
      batchSize: 50,
      outDir: dir,
      progress: false,
      log: (l) => lines.push(l),
    });
    expect(lines.join('\n')).toContain('W 10×784 (7,850 parameters)');
    expect(result.history.batchLosses).toHaveLength(10);
    expect(result.history.epochs[0]!.testLoss).toBeCloseTo(Math.log(10), 4); // W = 0: uniform p
    expect(result.testAccuracy).toBeGreaterThan(0.5);
    expect(result.weights).toHaveLength(7840);
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
    for (const files of Object.values(result.plots)) {
      expect(existsSync(files.png), files.png).toBe(true);
      expect(existsSync(files.svg), files.svg).toBe(true);
    }
    const { tensors } = await loadSafetensors(result.checkpoint);
    expect(tensors.get('weight')!.shape).toEqual([10, 784]);
  });

  it('has a CLI with --help listing the options', () => {
    const help = program()
      .commands.find((c) => c.name() === 'train')!
      .helpInformation();
    for (const flag of ['--backend', '--seed', '--epochs', '--batch-size', '--lr', '--data']) {
      expect(help).toContain(flag);
    }
  });
});
