// The package in a real browser: headless Chromium (Debian's), driven by playwright-core, runs a
// product split across the pool and a softmax, and compares them with the CPU backend — on the
// page's main thread (which may not block: one thread) and in a dedicated worker (a pool of two
// where the page is cross-origin isolated), on an isolated page and on a plain one (no shared
// memory: one thread everywhere).
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, type Server, serve, withChromium } from '@mlblocks/browser-test-kit';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserResult } from './browser/compare.js';
import setup from './global-setup.js';

const available = chromiumAvailable('kernels-wasm');
let server: Server | undefined;

beforeAll(async () => {
  if (!available) return;
  await setup(); // the generated wasm bytes the bundle embeds
  const bundle = await build({
    entryPoints: ['page', 'worker'].map((f) => fileURLToPath(new URL(`./browser/${f}.ts`, import.meta.url))),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@mlblocks/source'],
    external: ['node:*'], // the pool's Node-only branch, never taken in a browser
    outdir: '/',
    write: false,
  });
  const scripts = new Map(bundle.outputFiles.map((f) => [`/${f.path.split('/').pop()}`, f.text]));
  server = await serve((path) => {
    // cross-origin isolation (what shared memory needs in a browser) for everything but /plain/
    const headers: Record<string, string> = path.startsWith('/plain')
      ? {}
      : { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    const script = scripts.get(path);
    if (script) return { body: script, type: 'text/javascript', headers };
    if (path !== '/' && path !== '/plain/') return null;
    const html = `<!doctype html><meta charset="utf-8"><title>mlblocks wasm ${path}</title><script type="module" src="/page.js"></script>`;
    return { body: html, type: 'text/html', headers };
  });
}, 60_000);

afterAll(() => server?.close());

function resultsOf(path: string): Promise<{ main: BrowserResult; worker: BrowserResult }> {
  return withChromium(['--no-sandbox'], async (browser) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server!.origin}${path}`);
    await page.waitForFunction(() => window.mlblocksResult !== undefined, null, { timeout: 60_000 });
    const result = await page.evaluate(() => window.mlblocksResult);
    expect(errors).toEqual([]);
    expect(result).not.toHaveProperty('error');
    return result as { main: BrowserResult; worker: BrowserResult };
  });
}

describe.skipIf(!available)('in headless Chromium', () => {
  it('cross-origin isolated: one thread on the main thread, a pool of two in a worker; matches the CPU', async () => {
    const { main, worker } = await resultsOf('/');
    expect(main).toMatchObject({
      crossOriginIsolated: true,
      sharedMemory: true,
      threads: 1,
      identical: true,
    });
    expect(worker).toMatchObject({
      crossOriginIsolated: true,
      sharedMemory: true,
      threads: 2,
      identical: true,
    });
    for (const r of [main, worker]) expect(r.worst).toBeLessThan(1e-5);
    console.log(
      `browser wasm: worst |cpu − wasm| = ${worker.worst.toExponential(2)} on 2 threads in a worker`,
    );
  }, 120_000);

  it('without isolation: plain memory and one thread everywhere; matches the CPU', async () => {
    const { main, worker } = await resultsOf('/plain/');
    for (const r of [main, worker]) {
      expect(r).toMatchObject({
        crossOriginIsolated: false,
        sharedMemory: false,
        threads: 1,
        identical: true,
      });
      expect(r.worst).toBeLessThan(1e-5);
    }
  }, 120_000);
});
