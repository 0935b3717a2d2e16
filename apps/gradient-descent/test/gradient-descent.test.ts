// Smoke test: the lesson's 1-D settings behave as on the slides, and GD vs SGD runs on a few
// hundred digits for one epoch; plots are written.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../src/cli.js';
import { runComparison } from '../src/compare.js';
import { descend } from '../src/descend.js';
import { runLandscape } from '../src/landscape.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradient-descent-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gradient-descent', () => {
  it('reproduces the lesson: η 0.01 slow, 0.05 converges, 0.3 fails; x₀ −1 and 0.05 local, 2 global', () => {
    const slow = descend(2, 0.01);
    const good = descend(2, 0.05);
    expect(good.outcome).toBe('global minimum');
    expect(slow.outcome).toBe('global minimum');
    expect(slow.steps).toBeGreaterThan(4 * good.steps);
    expect(descend(2, 0.3).outcome).toBe('diverged');
    expect(descend(-1, 0.05).outcome).toBe('local minimum');
    expect(descend(0.05, 0.05).outcome).toBe('local minimum');
    // the gradient comes from autograd: f′(2) = 4·2·(2 − 1)·(2 − 2.5) = −4
    expect(good.points[0]!.grad).toBeCloseTo(-4, 5);
    expect(good.points[1]!.x).toBeCloseTo(2.2, 5); // 2 − 0.05·(−4)
  });

  it('writes one plot per setting and the step-by-step view', async () => {
    const { descents, plots } = await runLandscape({ outDir: dir, log: () => {} });
    expect(descents).toHaveLength(5);
    expect(plots).toHaveLength(6);
    for (const p of plots) expect(existsSync(p.png), p.png).toBe(true);
  });

  it('compares full-batch GD and mini-batch SGD on the same budget of examples', async () => {
    const { points, summaries, plot } = await runComparison({
      backend: 'cpu',
      seed: 0,
      epochs: 1,
      batchSize: 64,
      lr: 0.5,
      evalEvery: 2,
      trainSize: 512,
      testSize: 200,
      outDir: dir,
      progress: false,
      log: () => {},
    });
    expect(summaries.map((s) => [s.steps, s.examples])).toEqual([
      [1, 512],
      [8, 512],
    ]);
    const start = points.filter((p) => p.examples === 0);
    expect(start).toHaveLength(2);
    for (const p of start) expect(p.loss).toBeCloseTo(Math.log(10), 4); // W = 0
    // with the same examples, 8 small steps beat 1 exact step
    expect(summaries[1]!.trainLoss).toBeLessThan(summaries[0]!.trainLoss);
    expect(existsSync(plot.png)).toBe(true);
  });

  it('has a CLI with --help listing the options', () => {
    const help = program()
      .commands.find((c) => c.name() === 'compare')!
      .helpInformation();
    for (const flag of ['--backend', '--seed', '--epochs', '--batch-size', '--lr'])
      expect(help).toContain(flag);
  });
});
