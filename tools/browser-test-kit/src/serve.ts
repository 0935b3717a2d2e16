import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One response of {@link serve}. `null` answers 404. */
export type Served = { body: string | Uint8Array; type: string; headers?: Record<string, string> } | null;

/** A running server: its origin (`http://localhost:PORT`) and how to stop it. */
export interface Server {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `respond(path)` on an ephemeral port of 127.0.0.1, addressed as `localhost`: a secure
 * context, which WebGPU and (with COOP/COEP headers) SharedArrayBuffer require. For pages built
 * in the test (bundles in memory, a build directory); node:http is all it needs.
 */
export async function serve(respond: (path: string) => Served | Promise<Served>): Promise<Server> {
  const server = createServer(async (req, res) => {
    const reply = await respond((req.url ?? '/').split('?')[0]!);
    if (!reply) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': reply.type, ...reply.headers }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
