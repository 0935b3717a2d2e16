// The playground: its datasets and trainer in Node, then the built page in headless Chromium
// (Debian's, WebGPU on its software adapter), driven by playwright-core: Play on the spiral with
// two hidden layers until the test loss falls below 0.1. Outside CI a missing Chromium skips the
// browser test loudly; under CI=true it fails (see @mlblocks/browser-test-kit).
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, type Server, serve, withChromium } from '@mlblocks/browser-test-kit';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASETS, makeDataset } from '../src/datasets.js';
import { Trainer } from '../src/trainer.js';

const hasChromium = chromiumAvailable('playground');
const appDir = fileURLToPath(new URL('..', import.meta.url));

/** What the page publishes as `window.playground` (see src/main.ts). */
interface PageState {
  backend: string;
  steps: number;
  trainLoss: number;
  testLoss: number;
  boundaryUpdates: number;
  playing: boolean;
  ready: boolean;
}
type PageWindow = { playground?: PageState };

describe('playground datasets and trainer', () => {
  it('draws every dataset reproducibly, balanced, split into train and test', () => {
    for (const name of DATASETS) {
      const a = makeDataset(name, { count: 200, noise: 0.1, trainFraction: 0.5, seed: 3 });
      const b = makeDataset(name, { count: 200, noise: 0.1, trainFraction: 0.5, seed: 3 });
      expect(a.train.x).toEqual(b.train.x);
      expect(a.train.y.length + a.test.y.length).toBe(200);
      const ones = [...a.train.y, ...a.test.y].filter((y) => y === 1).length;
      expect(ones).toBeGreaterThan(60);
      expect(ones).toBeLessThan(140);
    }
  });

  it('learns the circle with a small network on the CPU backend', async () => {
    const data = makeDataset('circle', { count: 200, noise: 0, trainFraction: 0.5, seed: 0 });
    const trainer = new Trainer(
      data,
      {
        neurons: [8],
        activation: 'tanh',
        learningRate: 0.03,
        batchSize: 10,
        regularization: 0,
        optimizer: 'adam',
        seed: 0,
      },
      'cpu',
    );
    const before = await trainer.losses();
    for (let i = 0; i < 300; i++) trainer.step();
    const after = await trainer.losses();
    expect(after.test).toBeLessThan(before.test / 4);
    const probe = await trainer.probe(new Float32Array([0, 0, 5, 5]));
    expect(probe.probability[0]).toBeGreaterThan(0.5); // the center is class 1
    expect(probe.probability[1]).toBeLessThan(0.5);
    expect(probe.neurons.map((layer) => layer.length)).toEqual([8]);
    trainer.dispose();
  });
});

describe.skipIf(!hasChromium)('playground in headless Chromium', () => {
  let server: Server | undefined;
  let dist = '';
  afterAll(async () => {
    await server?.close();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  it('trains the spiral with 2 hidden layers below 0.1 test loss and redraws the boundary', async () => {
    dist = await mkdtemp(join(tmpdir(), 'playground-dist-'));
    await build({ root: appDir, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
    server = await serve(async (urlPath) => {
      const path = join(dist, urlPath === '/' ? 'index.html' : urlPath);
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(path)];
      return readFile(path).then(
        (body) => ({ body, type: type ?? 'application/octet-stream' }),
        () => null,
      );
    });
    const url = `${server.origin}/`;

    await withChromium(['--enable-unsafe-webgpu', '--disable-quic'], async (browser) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as PageWindow).playground?.ready === true, null, {
        timeout: 30_000,
      });
      const backend = await page.textContent('#backend');
      const set = async (id: string, value: string) => {
        await page.$eval(
          id,
          (el, v) => {
            (el as HTMLInputElement).value = v;
            el.dispatchEvent(new Event('change'));
          },
          value,
        );
      };
      await set('#dataset', 'spiral');
      await set('#layers', '2');
      await set('#neurons', '16');
      await set('#activation', 'relu');
      await page.waitForFunction(() => {
        const p = (window as unknown as PageWindow).playground!;
        return p.steps === 0 && p.boundaryUpdates > 0;
      });
      await page.waitForTimeout(300); // the last reset's first drawing
      const before = await page.$eval('#boundary', (c) => (c as HTMLCanvasElement).toDataURL());

      await page.click('#play');
      const maxSteps = 4000;
      // the page's state at the first refresh where the test loss is below 0.1 (or the step budget is spent)
      const reached = await page.waitForFunction(
        (max) => {
          const p = (window as unknown as PageWindow).playground!;
          return (p.testLoss < 0.1 || p.steps >= max) && { ...p };
        },
        maxSteps,
        { timeout: 120_000, polling: 'raf' },
      );
      const state = (await reached.jsonValue()) as PageState;
      await page.click('#play'); // pause
      await page.waitForTimeout(200);
      const after = await page.$eval('#boundary', (c) => (c as HTMLCanvasElement).toDataURL());
      const shot = join(appDir, 'out', 'playground', 'e2e-spiral.png');
      await mkdir(join(appDir, 'out', 'playground'), { recursive: true });
      await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1240, height: 770 } });
      console.log(
        `playground e2e on ${backend}: test loss ${state.testLoss.toFixed(3)} after ${state.steps} steps; screenshot ${shot}`,
      );

      expect(errors).toEqual([]);
      expect(state.testLoss).toBeLessThan(0.1);
      expect(state.steps).toBeLessThanOrEqual(maxSteps + 10);
      expect(after).not.toBe(before);
    });
  }, 180_000);
});
