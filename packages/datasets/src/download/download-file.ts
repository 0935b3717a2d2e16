import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { checkOptions, type OptionNames, ValueError } from '@mlblocks/core-tensor';
import { ChecksumError, DownloadError } from '../errors.js';
import { HttpStatusError, httpGet, UnretryableRequestError } from './http-get.js';
import { type ProgressCallback, type ProgressSink, progressSink } from './progress.js';
import { sha256File } from './sha256.js';

/** Options of `downloadFile`. */
export interface DownloadOptions {
  /** Mirror URLs of the same file, tried in order until one yields a verified file. */
  urls: readonly string[];
  /** Where the verified file ends up. Its folder is created if needed. */
  dest: string;
  /** Expected SHA-256 (64 hex digits, either case) of the file stored at `dest` — after decompression when `gunzip`. */
  sha256?: string;
  /** Decompress a gzip download before storing it (the `.part` file keeps the compressed bytes). */
  gunzip?: boolean;
  /** Attempts per mirror after the first, for dropped connections and 5xx/408/429 (default 3). */
  retries?: number;
  /** Base delay between attempts in ms, multiplied by the attempt number (default 500). */
  retryDelayMs?: number;
  /** Abort an attempt when no data arrives for this long (default 30,000 ms). */
  timeoutMs?: number;
  /**
   * Abort an attempt whose body arrives slower than this over a `timeoutMs` window (default 1,024
   * bytes/s): a mirror trickling a byte at a time is as dead as a silent one. 0 turns it off.
   */
  minBytesPerSecond?: number;
  /**
   * The whole call's time limit in ms, every mirror, retry and delay included (default 600,000: ten
   * minutes); when it passes, the download stops with a `DownloadError`. `Infinity` turns it off.
   */
  deadlineMs?: number;
  /** Progress bar on stderr: `'auto'` (default: only on a terminal), `true` or `false`. */
  progress?: boolean | 'auto';
  /** Called with bytes received so far and the total, whatever `progress` says. */
  onProgress?: ProgressCallback;
  /** Re-hash an existing `dest` instead of trusting it (default false; see `downloadFile`). */
  verifyExisting?: boolean;
  /** Cancels the download. */
  signal?: AbortSignal;
}

/** What `downloadFile` did. */
export interface DownloadResult {
  path: string;
  /** SHA-256 of the stored file (computed, or the expected one when an existing file was trusted). */
  sha256: string | undefined;
  /** Whether the file was already there (nothing was downloaded). */
  cached: boolean;
  /** The mirror that served it. */
  url?: string;
}

const OP = 'downloadFile';

const DOWNLOAD_OPTIONS: OptionNames<DownloadOptions> = {
  urls: true,
  dest: true,
  sha256: true,
  gunzip: true,
  retries: true,
  retryDelayMs: true,
  timeoutMs: true,
  minBytesPerSecond: true,
  deadlineMs: true,
  progress: true,
  onProgress: true,
  verifyExisting: true,
  signal: true,
};

// Why an attempt was aborted when the whole download's deadline passed.
class DeadlineError extends Error {}

/**
 * Downloads a file into a cache, verified, atomically:
 * - bytes go to `dest + '.part'`; an interrupted attempt is resumed with an HTTP `Range` request
 *   (a server that ignores it just sends the whole file again, and the part is rewritten);
 * - dropped connections, timeouts and 5xx answers are retried (`retries` per mirror, growing
 *   delays); 4xx answers and requests that cannot succeed (a malformed URL, a scheme other than
 *   http/https, a redirect loop) move on to the next mirror at once;
 * - an attempt stops when no data arrives for `timeoutMs` or the body trickles slower than
 *   `minBytesPerSecond`, and the whole call stops at `deadlineMs`;
 * - the finished bytes are hashed (and decompressed first with `gunzip`); on a mismatch the part
 *   is deleted — a resumed part gets one clean re-download — and the next mirror is tried;
 * - only a verified file is renamed to `dest`, so a file at `dest` is always complete, and an
 *   existing `dest` is returned without downloading (re-hashed first with `verifyExisting`).
 *
 * @throws {DownloadError} when no mirror gave a verified file; `failures` says why for each.
 *
 * @example
 * const { path } = await downloadFile({
 *   urls: ['https://example.org/data/t10k-labels-idx1-ubyte.gz'],
 *   dest: join(defaultCacheDir(), 'mnist', 't10k-labels-idx1-ubyte'),
 *   sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
 *   gunzip: true,
 * });
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  checkOptions(OP, options, DOWNLOAD_OPTIONS);
  const { urls, dest, verifyExisting = false, deadlineMs = 600_000 } = options;
  if (!Array.isArray(urls) || urls.length === 0) throw new ValueError(OP, `no URL given for ${dest}`);
  if (options.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.sha256)) {
    throw new ValueError(
      OP,
      `sha256 must be 64 lowercase hex digits (upper case is accepted and lowered), got '${options.sha256}'`,
    );
  }
  const sha256 = options.sha256?.toLowerCase();
  if (!(deadlineMs > 0))
    throw new ValueError(OP, `deadlineMs must be a positive number of ms, got ${deadlineMs}`);
  const minBytesPerSecond = options.minBytesPerSecond ?? 1024;
  if (!(minBytesPerSecond >= 0)) {
    throw new ValueError(OP, `minBytesPerSecond must be ≥ 0, got ${minBytesPerSecond}`);
  }
  if (existsSync(dest)) {
    if (!verifyExisting || sha256 === undefined) return { path: dest, sha256, cached: true };
    const actual = await sha256File(dest);
    if (actual === sha256) return { path: dest, sha256, cached: true };
    rmSync(dest, { force: true }); // a stale or damaged cache entry: fetch it again
  }
  mkdirSync(dirname(dest), { recursive: true });
  const sink = progressSink(options.progress ?? 'auto', options.onProgress);
  const failures: { url: string; error: Error }[] = [];
  // one signal for the caller's abort and the deadline; attempts and the delays between them obey it
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  if (options.signal?.aborted) forward();
  const timer = Number.isFinite(deadlineMs)
    ? setTimeout(() => controller.abort(new DeadlineError(`deadline of ${deadlineMs} ms passed`)), deadlineMs)
    : undefined;
  const resolved = { ...options, sha256, minBytesPerSecond, signal: controller.signal };
  try {
    for (const url of urls) {
      try {
        const actual = await fromMirror(url, resolved, sink);
        return { path: dest, sha256: actual, cached: false, url };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        failures.push({ url, error: error as Error });
        if (controller.signal.reason instanceof DeadlineError) break;
      }
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forward);
    sink.stop();
  }
  const reasons = failures.map((f) => `  ${f.url}: ${f.error.message}`).join('\n');
  const why =
    controller.signal.reason instanceof DeadlineError
      ? `within its deadline of ${deadlineMs} ms (deadlineMs)`
      : 'from any mirror';
  throw new DownloadError(OP, `could not download ${basename(dest)} ${why}:\n${reasons}`, failures);
}

// One mirror: fetch (resuming, retrying), verify, rename. A resumed part that fails the checksum
// is downloaded once more from scratch before the mirror counts as failed.
async function fromMirror(url: string, options: DownloadOptions, sink: ProgressSink): Promise<string> {
  const part = `${options.dest}.part`;
  for (let round = 0; ; round++) {
    const resumed = existsSync(part) && statSync(part).size > 0;
    await fetchToPart(url, part, options, sink);
    try {
      return await verifyAndStore(part, options);
    } catch (error) {
      if (!(error instanceof ChecksumError) || !resumed || round > 0) throw error;
    }
  }
}

async function fetchToPart(
  url: string,
  part: string,
  options: DownloadOptions,
  sink: ProgressSink,
): Promise<void> {
  const { retries = 3, retryDelayMs = 500, timeoutMs = 30_000, minBytesPerSecond = 0, signal } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      await attemptOnce(url, part, { timeoutMs, minBytesPerSecond, signal }, sink);
      return;
    } catch (error) {
      sink.stop();
      if (signal?.reason instanceof DeadlineError) throw signal.reason;
      const permanent =
        (error instanceof HttpStatusError && error.permanent) || error instanceof UnretryableRequestError;
      if (permanent || signal?.aborted || attempt >= retries) {
        if (permanent || signal?.aborted) throw error;
        const tries = attempt + 1;
        throw new Error(`${(error as Error).message} (after ${tries} attempt${tries > 1 ? 's' : ''})`, {
          cause: error,
        });
      }
      await sleep(retryDelayMs * (attempt + 1), signal);
    }
  }
}

// Waits `ms`, or less when `signal` aborts (then rejects with its reason).
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function attemptOnce(
  url: string,
  part: string,
  limits: { timeoutMs: number; minBytesPerSecond: number; signal: AbortSignal | undefined },
  sink: ProgressSink,
): Promise<void> {
  const { timeoutMs, minBytesPerSecond, signal } = limits;
  const have = existsSync(part) ? statSync(part).size : 0;
  const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
  let res: Awaited<ReturnType<typeof httpGet>>;
  try {
    res = await httpGet(url, { headers, timeoutMs, signal });
  } catch (error) {
    // 416: the part is as long as the file (or longer); start over rather than guess
    if (error instanceof HttpStatusError && error.status === 416) rmSync(part, { force: true });
    throw error;
  }
  const length = Number(res.headers['content-length'] ?? Number.NaN);
  let start = 0;
  if (res.statusCode === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
    if (range === null || Number(range[1]) !== have) {
      res.destroy();
      rmSync(part, { force: true });
      throw new Error(
        `unusable Content-Range '${res.headers['content-range']}' for a resume at byte ${have}`,
      );
    }
    start = have;
  }
  const total = Number.isFinite(length) ? start + length : undefined;
  let received = start;
  sink.start(basename(part, '.part'), total, received);
  // a trickle is a stall too: fewer than minBytesPerSecond over a timeoutMs window ends the attempt
  let windowStart = received;
  const watchdog =
    minBytesPerSecond > 0
      ? setInterval(() => {
          const got = received - windowStart;
          windowStart = received;
          if (got < (minBytesPerSecond * timeoutMs) / 1000) {
            res.destroy(
              new Error(
                `too slow: ${got} bytes in ${timeoutMs} ms from ${url} (minBytesPerSecond ${minBytesPerSecond})`,
              ),
            );
          }
        }, timeoutMs)
      : undefined;
  const onAbort = () => res.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      sink.update(received);
      done(null, chunk);
    },
  });
  try {
    await pipeline(res, counter, createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }));
  } finally {
    clearInterval(watchdog);
    signal?.removeEventListener('abort', onAbort);
  }
  sink.stop();
  if (total !== undefined && received !== total) {
    throw new Error(`connection closed after ${received} of ${total} bytes`);
  }
}

// Hashes the finished part (decompressing into a temporary file first when asked) and renames
// the result into place. Nothing reaches `dest` unverified.
async function verifyAndStore(part: string, options: DownloadOptions): Promise<string> {
  const { dest, sha256, gunzip } = options;
  const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let actual: string;
  try {
    if (gunzip) {
      const hash = createHash('sha256');
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(createReadStream(part), createGunzip(), tap, createWriteStream(tmp));
      } catch (error) {
        rmSync(part, { force: true });
        throw new Error(`the download is not valid gzip data (${(error as Error).message}); deleted it`);
      }
      actual = hash.digest('hex');
    } else {
      actual = await sha256File(part);
    }
    if (sha256 !== undefined && actual !== sha256) {
      rmSync(part, { force: true });
      throw new ChecksumError(
        OP,
        sha256,
        actual,
        gunzip ? `${basename(dest)} (decompressed)` : basename(dest),
      );
    }
    renameSync(gunzip ? tmp : part, dest);
    if (gunzip) rmSync(part, { force: true });
    return actual;
  } finally {
    rmSync(tmp, { force: true });
  }
}
