import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  ChecksumError,
  DownloadError,
  downloadFile,
  downloadMnist,
  HttpStatusError,
  IDX_FILE_NAMES,
  type RemoteIdxDataset,
} from '@mlblocks/datasets/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, tinyIdx } from './helpers/fixtures.js';
import { serveBytes, serveThenDrop, startServer, type TestServer } from './helpers/http-server.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
// A 200 kB body: large enough to arrive in several chunks, so a connection can drop mid-body.
const BODY = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) & 255);
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

// Compares by hash: deep equality of 200 kB buffers is slow.
function expectBody(path: string): void {
  expect(sha256(readFileSync(path))).toBe(sha256(BODY));
}

// Nothing in the cache folder that could pass for the finished file.
function leftovers(): string[] {
  return readdirSync(dir.path).filter((f) => !f.endsWith('.part'));
}

async function downloadError(promise: Promise<unknown>): Promise<DownloadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DownloadError);
    return error as DownloadError;
  }
  throw new Error('expected a DownloadError');
}

describe('downloadFile', () => {
  it('downloads, verifies and stores a file; the next call uses the cache', async () => {
    server.route('/good.bin', (req, res) => serveBytes(res, req, BODY));
    const dest = join(dir.path, 'good.bin');
    const progress: number[] = [];
    const result = await downloadFile({
      ...quick,
      urls: [`${server.url}/good.bin`],
      dest,
      sha256: sha256(BODY),
      onProgress: (received, total) => {
        expect(total).toBe(BODY.length);
        progress.push(received);
      },
    });
    expect(result).toMatchObject({ path: dest, cached: false, sha256: sha256(BODY) });
    expectBody(dest);
    expect(readdirSync(dir.path)).toEqual(['good.bin']); // no .part, no temporary file
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(BODY.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const again = await downloadFile({
      ...quick,
      urls: [`${server.url}/good.bin`],
      dest,
      sha256: sha256(BODY),
    });
    expect(again.cached).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a corrupt file (hash mismatch) and leaves nothing that looks complete', async () => {
    const corrupt = BODY.slice();
    corrupt[1234] ^= 1;
    server.route('/corrupt.bin', (req, res) => serveBytes(res, req, corrupt));
    const dest = join(dir.path, 'corrupt.bin');
    const error = await downloadError(
      downloadFile({ ...quick, urls: [`${server.url}/corrupt.bin`], dest, sha256: sha256(BODY) }),
    );
    const cause = error.failures[0]!.error as ChecksumError;
    expect(cause).toBeInstanceOf(ChecksumError);
    expect(cause.expected).toBe(sha256(BODY));
    expect(cause.actual).toBe(sha256(corrupt));
    expect(error.message).toMatch(/could not download corrupt\.bin from any mirror/);
    expect(error.message).toMatch(
      /SHA-256 of corrupt\.bin is [0-9a-f]{64}, expected [0-9a-f]{64}; the file was deleted/,
    );
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(dir.path)).toEqual([]); // the .part is gone too
  });

  it('moves on from a 404 at once (no retries) and fails with the status when no mirror has it', async () => {
    const error = await downloadError(
      downloadFile({ ...quick, urls: [`${server.url}/missing.bin`], dest: join(dir.path, 'missing.bin') }),
    );
    expect(error.failures).toHaveLength(1);
    expect(error.failures[0]!.error).toBeInstanceOf(HttpStatusError);
    expect((error.failures[0]!.error as HttpStatusError).status).toBe(404);
    expect(error.message).toMatch(/missing\.bin: HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/missing\.bin/);
    expect(server.requests).toHaveLength(1);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('falls back to the next mirror', async () => {
    server.route('/b/file.bin', (req, res) => serveBytes(res, req, BODY));
    const result = await downloadFile({
      ...quick,
      urls: [`${server.url}/a/file.bin`, `${server.url}/b/file.bin`],
      dest: join(dir.path, 'file.bin'),
      sha256: sha256(BODY),
    });
    expect(result.url).toBe(`${server.url}/b/file.bin`);
  });

  it('resumes after a dropped connection with a Range request', async () => {
    server.route('/flaky.bin', (req, res, hit) =>
      hit === 1 ? serveThenDrop(res, req, BODY, 70_000) : serveBytes(res, req, BODY),
    );
    const dest = join(dir.path, 'flaky.bin');
    await downloadFile({ ...quick, urls: [`${server.url}/flaky.bin`], dest, sha256: sha256(BODY) });
    expectBody(dest);
    expect(server.requests.map((r) => r.range)).toEqual([undefined, 'bytes=70000-']);
    expect(readdirSync(dir.path)).toEqual(['flaky.bin']);
  });

  it('restarts cleanly when the server ignores Range after a drop', async () => {
    server.route('/norange.bin', (req, res, hit) =>
      hit === 1 ? serveThenDrop(res, req, BODY, 50_000) : serveBytes(res, req, BODY, false),
    );
    const dest = join(dir.path, 'norange.bin');
    await downloadFile({ ...quick, urls: [`${server.url}/norange.bin`], dest, sha256: sha256(BODY) });
    expectBody(dest);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the allowed retries with a typed error, keeping only the .part', async () => {
    server.route('/dead.bin', (req, res) => serveThenDrop(res, req, BODY, 1000));
    const dest = join(dir.path, 'dead.bin');
    const error = await downloadError(
      downloadFile({ ...quick, retries: 2, urls: [`${server.url}/dead.bin`], dest, sha256: sha256(BODY) }),
    );
    expect(server.requests).toHaveLength(3); // 1 + 2 retries, each resuming
    expect(server.requests.map((r) => r.range)).toEqual([undefined, 'bytes=1000-', 'bytes=2000-']);
    expect(error.message).toMatch(/\(after 3 attempts\)/);
    expect(existsSync(dest)).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(readdirSync(dir.path)).toEqual(['dead.bin.part']); // a later call resumes from it

    server.route('/dead.bin', (req, res) => serveBytes(res, req, BODY));
    await downloadFile({ ...quick, urls: [`${server.url}/dead.bin`], dest, sha256: sha256(BODY) });
    expect(server.requests.at(-1)!.range).toBe('bytes=3000-');
    expectBody(dest);
  });

  it('downloads a stale .part again from scratch when the resumed file fails its checksum', async () => {
    const dest = join(dir.path, 'stale.bin');
    writeFileSync(`${dest}.part`, new Uint8Array(5000).fill(7)); // left by another version of the file
    server.route('/stale.bin', (req, res) => serveBytes(res, req, BODY));
    await downloadFile({ ...quick, urls: [`${server.url}/stale.bin`], dest, sha256: sha256(BODY) });
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=5000-', undefined]);
    expectBody(dest);
  });

  it('retries 5xx answers and follows redirects', async () => {
    server.route('/busy.bin', (req, res, hit) =>
      hit < 3 ? res.writeHead(503).end() : serveBytes(res, req, BODY),
    );
    server.route('/moved.bin', (_req, res) => res.writeHead(302, { location: '/busy.bin' }).end());
    const dest = join(dir.path, 'busy.bin');
    await downloadFile({ ...quick, urls: [`${server.url}/moved.bin`], dest, sha256: sha256(BODY) });
    expect(server.requests.map((r) => r.path)).toEqual([
      '/moved.bin',
      '/busy.bin',
      '/moved.bin',
      '/busy.bin',
      '/moved.bin',
      '/busy.bin',
    ]);
  });

  it('times out a stalled response and reports it', async () => {
    server.route('/stall.bin', (_req, res) => {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 10)); // then nothing
    });
    const error = await downloadError(
      downloadFile({
        ...quick,
        retries: 1,
        timeoutMs: 150,
        urls: [`${server.url}/stall.bin`],
        dest: join(dir.path, 's'),
      }),
    );
    expect(error.message).toMatch(/no data for 150 ms.*\(after 2 attempts\)/);
  });

  it('stores gzip downloads decompressed, verified against the decompressed hash', async () => {
    server.route('/data.gz', (req, res) => serveBytes(res, req, gzipSync(BODY)));
    const dest = join(dir.path, 'data');
    await downloadFile({
      ...quick,
      urls: [`${server.url}/data.gz`],
      dest,
      sha256: sha256(BODY),
      gunzip: true,
    });
    expectBody(dest);
    expect(readdirSync(dir.path)).toEqual(['data']);
  });

  it('rejects a download that is not valid gzip data', async () => {
    server.route('/bad.gz', (req, res) => serveBytes(res, req, BODY));
    const error = await downloadError(
      downloadFile({ ...quick, urls: [`${server.url}/bad.gz`], dest: join(dir.path, 'bad'), gunzip: true }),
    );
    expect(error.message).toMatch(/not valid gzip data/);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('re-hashes an existing file with verifyExisting and replaces a damaged one', async () => {
    server.route('/v.bin', (req, res) => serveBytes(res, req, BODY));
    const dest = join(dir.path, 'v.bin');
    writeFileSync(dest, 'damaged');
    const trusted = await downloadFile({
      ...quick,
      urls: [`${server.url}/v.bin`],
      dest,
      sha256: sha256(BODY),
    });
    expect(trusted.cached).toBe(true); // trusted by default: only verified files are ever renamed here
    const checked = await downloadFile({
      ...quick,
      urls: [`${server.url}/v.bin`],
      dest,
      sha256: sha256(BODY),
      verifyExisting: true,
    });
    expect(checked.cached).toBe(false);
    expectBody(dest);
  });

  it('validates its arguments', async () => {
    await expect(downloadFile({ urls: [], dest: join(dir.path, 'x') })).rejects.toThrow(/no URL given/);
    await expect(
      downloadFile({ urls: ['http://127.0.0.1:1/x'], dest: join(dir.path, 'x'), sha256: 'abc' }),
    ).rejects.toThrow(/sha256 must be 64 lowercase hex digits/);
    const error = await downloadError(
      downloadFile({ ...quick, urls: ['ftp://127.0.0.1/x'], dest: join(dir.path, 'x') }),
    );
    expect(error.message).toMatch(/unsupported URL scheme/);
  });
});

describe('downloadMnist (against a local mirror)', () => {
  it('fetches the four files into <cacheDir>/<name>/ and loads them', async () => {
    const train = tinyIdx(30);
    const test = tinyIdx(10);
    const files: Record<string, Uint8Array> = {
      'train-images-idx3-ubyte': train.images,
      'train-labels-idx1-ubyte': train.labels,
      't10k-images-idx3-ubyte': test.images,
      't10k-labels-idx1-ubyte': test.labels,
    };
    for (const [name, bytes] of Object.entries(files)) {
      server.route(`/mirror/${name}.gz`, (req, res) => serveBytes(res, req, gzipSync(bytes)));
    }
    const variant: RemoteIdxDataset = {
      name: 'tiny-mnist',
      mirrors: [`${server.url}/down/`, `${server.url}/mirror/`],
      sha256: Object.fromEntries(
        IDX_FILE_NAMES.map((f) => [f, sha256(files[f]!)]),
      ) as RemoteIdxDataset['sha256'],
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    };
    const split = await downloadMnist({ ...quick, variant, cacheDir: dir.path });
    expect([split.train.length, split.test.length]).toEqual([30, 10]);
    expect(readdirSync(join(dir.path, 'tiny-mnist')).sort()).toEqual([...IDX_FILE_NAMES].sort());
    const requests = server.requests.length;
    const again = await downloadMnist({ ...quick, variant, cacheDir: dir.path });
    expect(again.train).toBe(split.train);
    expect(server.requests).toHaveLength(requests); // all from the cache
  });
});
