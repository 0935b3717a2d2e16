// The browser viewer: built with Vite, served with a small vectors.bin, driven in Debian's
// headless Chromium by playwright-core. Outside CI a missing Chromium skips it loudly; under
// CI=true it fails (see @mlblocks/browser-test-kit).
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, type Server, serve, withChromium } from '@mlblocks/browser-test-kit';
import { KeyedVectors, serializeWord2VecBinary } from '@mlblocks/word2vec';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const hasChromium = chromiumAvailable('word2vec viewer');
const appDir = fileURLToPath(new URL('..', import.meta.url));

interface ViewerState {
  ready: boolean;
  words: number;
  dim: number;
  neighbors: { word: string; similarity: number }[];
  mapWords: number;
  error: string;
}
type ViewerWindow = { viewer?: ViewerState };

/** 40 words in 3 dimensions: 'a0' … 'a19' around one direction, 'b0' … 'b19' around another. */
function clusters(): KeyedVectors {
  const words: string[] = [];
  const data: number[] = [];
  for (let i = 0; i < 20; i++) {
    words.push(`a${i}`);
    data.push(1, 0.05 * Math.sin(i), 0.05 * Math.cos(i));
  }
  for (let i = 0; i < 20; i++) {
    words.push(`b${i}`);
    data.push(0.05 * Math.sin(i), 1, 0.05 * Math.cos(i));
  }
  return new KeyedVectors(words, Float32Array.from(data), 3);
}

describe.skipIf(!hasChromium)('word2vec viewer in headless Chromium', () => {
  let server: Server | undefined;
  let dist = '';
  afterAll(async () => {
    await server?.close();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  it('loads vectors.bin, lists neighbours of a query and of an analogy, draws the 2-D map', async () => {
    dist = await mkdtemp(join(tmpdir(), 'word2vec-viewer-'));
    await build({
      configFile: join(appDir, 'vite.config.ts'),
      root: join(appDir, 'viewer'),
      logLevel: 'warn',
      build: { outDir: dist, emptyOutDir: true },
    });
    const vectorsBin = serializeWord2VecBinary(clusters());
    server = await serve(async (urlPath) => {
      if (urlPath === '/vectors.bin') return { body: vectorsBin, type: 'application/octet-stream' };
      const path = join(dist, urlPath === '/' ? 'index.html' : urlPath);
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(path)];
      return readFile(path).then(
        (body) => ({ body, type: type ?? 'application/octet-stream' }),
        () => null,
      );
    });
    await withChromium([], async (browser) => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server!.origin}/`);
      await page.waitForFunction(() => (window as unknown as ViewerWindow).viewer?.ready === true, null, {
        timeout: 30_000,
      });
      expect(await page.textContent('#status')).toBe('vectors.bin: 40 words × 3 dimensions');

      await page.fill('#query', 'a3');
      await page.click('button[type=submit]');
      const items = await page.$$eval('#neighbors li', (lis) => lis.map((li) => li.firstChild!.textContent));
      expect(items).toHaveLength(12);
      expect(items.every((w) => w!.startsWith('a'))).toBe(true);

      await page.fill('#query', 'a1 - a2 + b5');
      await page.click('button[type=submit]');
      const state = (await page.evaluate(() => (window as unknown as ViewerWindow).viewer)) as ViewerState;
      expect(state.neighbors[0]!.word.startsWith('b')).toBe(true);

      await page.fill('#query', 'nothere');
      await page.click('button[type=submit]');
      expect(await page.textContent('#message')).toMatch(/'nothere' is not in the vocabulary \(40 words\)/);

      // the map: every word drawn, some pixels coloured
      const inked = await page.$eval('#map', (c) => {
        const canvas = c as HTMLCanvasElement;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) n++;
        return n;
      });
      expect(state.mapWords).toBe(40);
      expect(inked).toBeGreaterThan(500);
      await mkdir(join(appDir, 'out', 'word2vec'), { recursive: true });
      await page.screenshot({ path: join(appDir, 'out', 'word2vec', 'viewer-e2e.png') });
      expect(errors).toEqual([]);
    });
  }, 120_000);
});
