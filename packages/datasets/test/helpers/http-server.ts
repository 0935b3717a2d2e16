import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Handles one request; `hit` counts requests to this path, from 1. */
export type Route = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

/** A loopback HTTP server on an ephemeral port, with routes by path and a request log. */
export interface TestServer {
  readonly url: string;
  readonly requests: { path: string; range: string | undefined }[];
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 (never another interface). Unknown paths answer 404. */
export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const requests: { path: string; range: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, range: req.headers.range });
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const handler = routes.get(path);
    if (handler) handler(req, res, hit);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves `body` whole (200), or the requested suffix (206) when `ranges` and a Range header ask. */
export function serveBytes(res: ServerResponse, req: IncomingMessage, body: Uint8Array, ranges = true): void {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (ranges && match) {
    const start = Number(match[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, {
      'content-length': body.length - start,
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
    });
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(200, { 'content-length': body.length, 'accept-ranges': ranges ? 'bytes' : 'none' });
  res.end(body);
}

/** Sends the headers for all of `body` (honouring a Range), then `cut` bytes, then drops the connection. */
export function serveThenDrop(
  res: ServerResponse,
  req: IncomingMessage,
  body: Uint8Array,
  cut: number,
): void {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = match ? Number(match[1]) : 0;
  const headers: Record<string, string | number> = { 'content-length': body.length - start };
  if (match) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
  res.writeHead(match ? 206 : 200, headers);
  res.write(body.subarray(start, start + cut), () => {
    setTimeout(() => res.socket?.destroy(), 10);
  });
}
