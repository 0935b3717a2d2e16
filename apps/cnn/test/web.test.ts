// The drawing page: preprocessing and the classifier in Node, then the built page in headless
// Chromium (Debian's, WebGPU on its software adapter) with a checkpoint trained here: draw a 7
// with the mouse, and the page's answer — and its logits for a test digit — must be what the same
// checkpoint gives in Node. Outside CI a missing Chromium skips the browser test loudly; under
// CI=true it fails (see @mlblocks/browser-test-kit).
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, type Server, serve, withChromium } from '@mlblocks/browser-test-kit';
import { loadEmbeddedMnist } from '@mlblocks/datasets/node';
import { inkFromRgba, toMnistDigit } from 'lesson-kit/digit';
import { buildWasmKernels } from 'lesson-kit/testing';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigitClassifier } from '../src/classifier.js';
import { train } from '../src/train.js';

await buildWasmKernels();
const hasChromium = chromiumAvailable('cnn');
const appDir = fileURLToPath(new URL('..', import.meta.url));

interface PageState {
  ready: boolean;
  backend: string;
  updates: number;
  prediction: number | null;
  probabilities: number[];
  logits: number[];
  input: number[];
  error: string | null;
}
type PageWindow = { cnn: PageState & { classify(pixels: number[]): Promise<{ logits: number[] }> } };

let dir = '';
let checkpoint = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-web-'));
  const run = await train({
    backend: 'wasm',
    trainSize: 1500,
    testSize: 100,
    epochs: 1,
    batchSize: 50,
    progress: false,
    outDir: dir,
    log: () => {},
  });
  checkpoint = run.checkpoint;
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the drawing page in Node', () => {
  it("prepares a drawing like MNIST's digits: 20×20 box, centered by mass, blank stays blank", () => {
    const [w, h] = [100, 60];
    const rgba = new Uint8Array(4 * w * h);
    for (let y = 10; y < 50; y++)
      for (let x = 60; x < 70; x++) rgba.set([255, 255, 255, 255], 4 * (y * w + x)); // a bar
    const digit = toMnistDigit(inkFromRgba(rgba, w, h), w, h);
    const rows = [...Array(28).keys()].filter((y) => digit.slice(y * 28, y * 28 + 28).some((v) => v > 0));
    const cols = [...Array(28).keys()].filter((x) => rows.some((y) => digit[y * 28 + x]! > 0));
    expect(rows.length).toBe(20); // the longer side scaled to 20
    expect(cols.length).toBe(5); // 10 × 20/40
    expect(rows[0]! + rows.at(-1)!).toBe(27); // centered
    expect(Math.max(...digit)).toBe(255);
    expect(toMnistDigit(new Float32Array(w * h), w, h).every((v) => v === 0)).toBe(true);
  });

  it('rebuilds the trained network from its checkpoint bytes and classifies test digits', async () => {
    const classifier = DigitClassifier.fromBytes(new Uint8Array(await readFile(checkpoint)), 'cpu');
    const { test } = loadEmbeddedMnist();
    let correct = 0;
    for (let i = 0; i < 20; i++) {
      const result = await classifier.classify(test.image(i));
      if (result.label === test.labels[i]) correct++;
      expect(result.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(result.maps.map((m) => [m.count, m.side])).toEqual([
        [6, 28],
        [16, 10],
      ]);
    }
    expect(correct).toBeGreaterThanOrEqual(10); // chance: 2 of 20 (the network saw 1,500 digits once)
    classifier.dispose();
  });
});

describe.skipIf(!hasChromium)('the drawing page in headless Chromium', () => {
  let server: Server | undefined;
  let dist = '';
  afterAll(async () => {
    await server?.close();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  it('classifies a digit drawn with the mouse, live, on WebGPU, as the checkpoint does in Node', async () => {
    dist = await mkdtemp(join(tmpdir(), 'cnn-dist-'));
    await build({
      configFile: join(appDir, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: dist, emptyOutDir: true },
    });
    server = await serve(async (urlPath) => {
      const path =
        urlPath === '/model.safetensors' ? checkpoint : join(dist, urlPath === '/' ? 'index.html' : urlPath);
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(path)];
      return readFile(path).then(
        (body) => ({ body, type: type ?? 'application/octet-stream' }),
        () => null,
      );
    });
    const classifier = DigitClassifier.fromBytes(new Uint8Array(await readFile(checkpoint)), 'cpu');
    const digit = loadEmbeddedMnist().test.image(0);
    const expected = await classifier.classify(digit);

    await withChromium(['--enable-unsafe-webgpu', '--disable-quic'], async (browser) => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server!.origin}/`);
      await page.waitForFunction(() => (window as unknown as PageWindow).cnn?.ready === true, null, {
        timeout: 60_000,
      });
      const start = (await page.evaluate(() => (window as unknown as PageWindow).cnn.updates)) as number;
      // a 7: a stroke across the top, then down to the lower left
      const pad = (await page.$('#pad'))!;
      const box = (await pad.boundingBox())!;
      const at = (x: number, y: number) =>
        [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
      await page.mouse.move(...at(70, 60));
      await page.mouse.down();
      for (const [x, y] of [
        [140, 60],
        [210, 60],
        [170, 140],
        [130, 230],
      ] as const) {
        await page.mouse.move(...at(x, y), { steps: 8 });
      }
      await page.mouse.up();
      const reached = await page.waitForFunction(
        (n) => {
          const s = (window as unknown as PageWindow).cnn;
          return s.updates > n && s.prediction !== null && { ...s, classify: undefined };
        },
        start,
        { timeout: 60_000 },
      );
      const state = (await reached.jsonValue()) as PageState;
      // the page's answer for its own 28×28 input is the checkpoint's answer in Node
      const node = await classifier.classify(Uint8Array.from(state.input));
      expect(state.prediction).toBe(node.label);
      expect(state.logits.map((v) => Number(v.toFixed(3)))).toEqual(
        node.logits.map((v) => Number(v.toFixed(3))),
      );
      expect(state.input.filter((v) => v > 0).length).toBeGreaterThan(40);
      expect(await page.$$eval('#stages canvas', (c) => c.length)).toBe(6 + 16);
      // and its logits for a test digit, computed on the page's backend
      const logits = (await page.evaluate(
        async (pixels) => (await (window as unknown as PageWindow).cnn.classify(pixels)).logits,
        [...digit],
      )) as number[];
      const worst = Math.max(...logits.map((v, i) => Math.abs(v - expected.logits[i]!)));
      const largest = Math.max(...expected.logits.map(Math.abs));
      const shot = join(appDir, 'out', 'cnn', 'e2e-draw.png');
      await mkdir(join(appDir, 'out', 'cnn'), { recursive: true });
      await page.screenshot({ path: shot });
      console.log(
        `cnn page on ${state.backend}: drew a 7, predicted ${state.prediction} (p = ${state.probabilities[state.prediction!]!.toFixed(3)}); test digit logits differ from Node's CPU by ${(worst / largest).toExponential(1)} of the largest; screenshot ${shot}`,
      );
      expect(worst / largest).toBeLessThan(1e-4);
      expect(state.error).toBeNull();
      expect(errors).toEqual([]);
    });
    classifier.dispose();
  }, 240_000);
});
