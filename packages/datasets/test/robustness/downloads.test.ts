// Downloads under faults (issue #15, finding 9 and the SHA-256 part of 10): failures that retrying
// cannot fix are not retried, a whole download has a deadline, a trickling body is cut off, and
// an upper-case SHA-256 is normalised instead of refused.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DownloadError, downloadFile, downloadMnist } from '@mlblocks/datasets/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { serveBytes, startServer, type TestServer } from '../helpers/http-server.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const BODY = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 255);
const quick = { progress: false, retryDelayMs: 5, timeoutMs: 2000 } as const;

let server: TestServer;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await startServer();
  dir = tempDir();
});
afterEach(async () => {
  await server.close();
  dir.cleanup();
});

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => new Error('expected a DownloadError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

describe('failures that cannot succeed are not retried', () => {
  it('a redirect loop: one attempt per mirror, then the next mirror', async () => {
    server.route('/loop-a', (_req, res) => res.writeHead(302, { location: '/loop-b' }).end());
    server.route('/loop-b', (_req, res) => res.writeHead(302, { location: '/loop-a' }).end());
    server.route('/good', (req, res) => serveBytes(res, req, BODY));
    const dest = join(dir.path, 'f');
    const result = await downloadFile({
      ...quick,
      retries: 3,
      urls: [`${server.url}/loop-a`, `${server.url}/good`],
      dest,
      sha256: sha256(BODY),
    });
    expect(result.url).toBe(`${server.url}/good`);
    // maxRedirects 5: six requests to the loop, once — not four times
    expect(server.requests.filter((r) => r.path.startsWith('/loop'))).toHaveLength(6);
  });

  it('a malformed URL, an unsupported scheme and a redirect to one fail at once', async () => {
    server.route('/to-ftp', (_req, res) => res.writeHead(301, { location: 'ftp://example.invalid/x' }).end());
    const started = performance.now();
    const error = await failure(
      downloadFile({
        ...quick,
        retries: 3,
        retryDelayMs: 1000, // retrying any of them would take seconds
        urls: ['http://exa mple.invalid:99999/x', 'ftp://127.0.0.1/x', `${server.url}/to-ftp`],
        dest: join(dir.path, 'g'),
      }),
    );
    expect(performance.now() - started).toBeLessThan(900);
    expect(error.failures.map((f) => f.error.message)).toEqual([
      expect.stringMatching(/malformed URL 'http:\/\/exa mple\.invalid:99999\/x'/),
      expect.stringMatching(/unsupported URL scheme in ftp:\/\/127\.0\.0\.1\/x/),
      expect.stringMatching(/unsupported URL scheme in ftp:\/\/example\.invalid\/x/),
    ]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('time limits', () => {
  it('a mirror that accepts and never answers costs deadlineMs, not 4 × timeoutMs', async () => {
    server.route('/silent', () => undefined); // headers never come
    const started = performance.now();
    const error = await failure(
      downloadFile({
        ...quick,
        timeoutMs: 30_000,
        deadlineMs: 400,
        urls: [`${server.url}/silent`, `${server.url}/silent`],
        dest: join(dir.path, 'h'),
      }),
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2500);
    expect(error.message).toMatch(/could not download h within its deadline of 400 ms \(deadlineMs\)/);
  });

  it('a body trickling a byte every 50 ms is cut off as too slow', async () => {
    server.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-length': BODY.length });
      let i = 0;
      const timer = setInterval(() => {
        if (res.destroyed || i >= BODY.length) return clearInterval(timer);
        res.write(BODY.subarray(i, i + 1));
        i++;
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    const error = await failure(
      downloadFile({
        ...quick,
        retries: 1,
        timeoutMs: 300, // never idle for that long: only the rate rule can stop it
        minBytesPerSecond: 100,
        urls: [`${server.url}/trickle`],
        dest: join(dir.path, 'i'),
      }),
    );
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error.message).toMatch(
      /too slow: \d+ bytes in 300 ms .*\(minBytesPerSecond 100\).*\(after 2 attempts\)/s,
    );
  });

  it('the deadline also stops a trickle when the rate rule is off', async () => {
    server.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-length': BODY.length });
      const timer = setInterval(() => res.write(BODY.subarray(0, 1)), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    const error = await failure(
      downloadFile({
        ...quick,
        minBytesPerSecond: 0,
        deadlineMs: 500,
        urls: [`${server.url}/trickle`],
        dest: join(dir.path, 'j'),
      }),
    );
    expect(performance.now() - started).toBeLessThan(2500);
    expect(error.message).toMatch(/within its deadline of 500 ms/);
  });

  it('a caller abort still rejects with the abort, not a DownloadError', async () => {
    server.route('/silent', () => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    await expect(
      downloadFile({
        ...quick,
        urls: [`${server.url}/silent`],
        dest: join(dir.path, 'k'),
        signal: controller.signal,
      }),
    ).rejects.toThrow(/user gave up|aborted/);
  });
});

describe('arguments', () => {
  it('an upper-case SHA-256 is accepted and compared in lower case', async () => {
    server.route('/u', (req, res) => serveBytes(res, req, BODY));
    const dest = join(dir.path, 'u');
    const result = await downloadFile({
      ...quick,
      urls: [`${server.url}/u`],
      dest,
      sha256: sha256(BODY).toUpperCase(),
    });
    expect(result.sha256).toBe(sha256(BODY));
    expect(sha256(readFileSync(dest))).toBe(sha256(BODY));
    await expect(
      downloadFile({
        ...quick,
        urls: [`${server.url}/u`],
        dest: join(dir.path, 'v'),
        sha256: 'G'.repeat(64),
      }),
    ).rejects.toThrow(/sha256 must be 64 lowercase hex digits/);
  });

  it('unknown options are errors, naming the valid ones', async () => {
    await expect(
      downloadFile({ urls: ['http://127.0.0.1:1/x'], dest: join(dir.path, 'x'), timeout: 5 } as never),
    ).rejects.toThrow(
      /downloadFile: unknown option 'timeout' \(did you mean 'timeoutMs'\?\); valid options: urls, dest/,
    );
    await expect(downloadMnist({ mirror: 'http://x/' } as never)).rejects.toThrow(
      /downloadMnist: unknown option 'mirror' \(did you mean 'mirrors'\?\)/,
    );
    await expect(
      downloadFile({ ...quick, urls: ['http://127.0.0.1:1/x'], dest: join(dir.path, 'x'), deadlineMs: 0 }),
    ).rejects.toThrow(/deadlineMs must be a positive number/);
  });
});
