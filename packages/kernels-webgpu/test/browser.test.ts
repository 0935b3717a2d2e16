// The package in a real browser: headless Chromium (Debian's) with WebGPU on its software
// adapter, driven by playwright-core, runs a matmul + softmax and a convolution + max pool, and
// must match the CPU backend.
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, type Server, serve, withChromium } from '@mlblocks/browser-test-kit';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const available = chromiumAvailable('kernels-webgpu');
let server: Server | undefined;

beforeAll(async () => {
  if (!available) return;
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser/page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@mlblocks/source'],
    write: false,
  });
  const script = bundle.outputFiles[0]!.text;
  const html =
    '<!doctype html><meta charset="utf-8"><title>mlblocks webgpu</title><script type="module" src="/page.js"></script>';
  server = await serve((path) =>
    path === '/page.js' ? { body: script, type: 'text/javascript' } : { body: html, type: 'text/html' },
  );
}, 60_000);

afterAll(() => server?.close());

describe.skipIf(!available)('in headless Chromium', () => {
  it('runs a matmul + softmax and a convolution + max pool on navigator.gpu, matching the CPU backend', async () => {
    const args = ['--enable-unsafe-webgpu', '--disable-quic', '--no-sandbox'];
    await withChromium(args, async (browser) => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server!.origin}/`);
      await page.waitForFunction(() => window.mlblocksResult !== undefined, null, { timeout: 60_000 });
      const result = await page.evaluate(() => window.mlblocksResult);
      expect(errors).toEqual([]);
      expect(result).not.toHaveProperty('error');
      const ok = result as {
        adapter: string;
        worst: number;
        size: number;
        convWorst: number;
        convSize: number;
      };
      expect(ok.size).toBe(67 * 33);
      expect(ok.worst).toBeLessThan(1e-5);
      expect(ok.convSize).toBe(2 * 4 * 4 * 4);
      expect(ok.convWorst).toBeLessThan(1e-4);
      console.log(
        `browser WebGPU adapter: ${ok.adapter}; worst |cpu − webgpu| = ${ok.worst.toExponential(2)}; convolution + pool: ${ok.convWorst.toExponential(2)} relative`,
      );
    });
  }, 120_000);
});
