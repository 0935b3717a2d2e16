import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * An HTTP answer other than 200/206. `permanent` ones (4xx except 408, 416, 429) move a download
 * on to the next mirror at once; others are retried.
 */
export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`HTTP ${status} from ${url}`);
  }

  get permanent(): boolean {
    return (
      this.status >= 400 &&
      this.status < 500 &&
      this.status !== 408 &&
      this.status !== 416 &&
      this.status !== 429
    );
  }
}

/**
 * A request that retrying cannot fix — a malformed URL, a scheme other than http/https, more
 * redirects than allowed (a loop) — so a download moves on to the next mirror at once.
 */
export class UnretryableRequestError extends Error {
  readonly permanent = true;
}

/** Options of one GET. */
export interface GetOptions {
  headers?: Record<string, string>;
  /** Abort when the socket is idle this long (ms). */
  timeoutMs: number;
  maxRedirects?: number;
  signal?: AbortSignal;
}

/**
 * GETs `url` (http or https), following up to `maxRedirects` redirects, and resolves with the
 * response once its headers arrive; the body is left to the caller. Rejects with
 * `HttpStatusError` for statuses other than 200 and 206, and with the socket's error otherwise.
 */
export function httpGet(url: string, options: GetOptions, redirects = 0): Promise<IncomingMessage> {
  const { headers = {}, timeoutMs, maxRedirects = 5, signal } = options;
  return new Promise((resolvePromise, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new UnretryableRequestError(`malformed URL '${url}'`));
      return;
    }
    const request =
      parsed.protocol === 'https:' ? httpsRequest : parsed.protocol === 'http:' ? httpRequest : null;
    if (request === null) {
      reject(new UnretryableRequestError(`unsupported URL scheme in ${url} (expected http: or https:)`));
      return;
    }
    // NOTE: a fresh connection per request (agent: false): no pooled socket outlives a download
    const req = request(parsed, { method: 'GET', headers, signal, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= maxRedirects) {
          reject(
            new UnretryableRequestError(`more than ${maxRedirects} redirects from ${url} (a redirect loop?)`),
          );
          return;
        }
        let next: string;
        try {
          next = new URL(res.headers.location, parsed).toString();
        } catch {
          reject(
            new UnretryableRequestError(`malformed redirect location '${res.headers.location}' from ${url}`),
          );
          return;
        }
        httpGet(next, options, redirects + 1).then(resolvePromise, reject);
        return;
      }
      if (status !== 200 && status !== 206) {
        res.resume();
        reject(new HttpStatusError(url, status));
        return;
      }
      // an idle body is as dead as an idle connect: the same timeout applies while reading
      res.setTimeout(timeoutMs, () => res.destroy(new Error(`no data for ${timeoutMs} ms from ${url}`)));
      resolvePromise(res);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response for ${timeoutMs} ms from ${url}`)));
    req.on('error', reject);
    req.end();
  });
}
