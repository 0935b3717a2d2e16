// The package in a real browser: headless Chromium (Debian's) with WebGPU on its software
// adapter, driven by playwright-core, runs a matmul + softmax and must match the CPU backend.
// Outside CI a missing Chromium skips the test loudly; under CI=true it fails.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${CHROMIUM} is missing; .ci/run installs Debian's chromium`);
  console.warn(`\n*** browser test SKIPPED: ${CHROMIUM} not found (apt-get install chromium)\n`);
}

let server: Server;
let url = '';

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
  server = createServer((req, res) => {
    const isScript = req.url === '/page.js';
    res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    res.end(isScript ? script : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost (not 127.0.0.1) is a secure context, which WebGPU requires
  url = `http://localhost:${(server.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe.skipIf(!available)('in headless Chromium', () => {
  it('runs a matmul + softmax on navigator.gpu and matches the CPU backend', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--enable-unsafe-webgpu', '--disable-quic', '--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => window.mlblocksResult !== undefined, null, { timeout: 60_000 });
      const result = await page.evaluate(() => window.mlblocksResult);
      expect(errors).toEqual([]);
      expect(result).not.toHaveProperty('error');
      const ok = result as { adapter: string; worst: number; size: number };
      expect(ok.size).toBe(67 * 33);
      expect(ok.worst).toBeLessThan(1e-5);
      console.log(
        `browser WebGPU adapter: ${ok.adapter}; worst |cpu − webgpu| = ${ok.worst.toExponential(2)}`,
      );
    } finally {
      await browser.close();
    }
  }, 120_000);
});
