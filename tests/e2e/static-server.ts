/**
 * A static file server for the browser tests, in two modes: `isolated` sends COOP/COEP/CORP (as
 * `npm start` does) and `plain` sends nothing but Content-Type, like most static hosts. The
 * folder it serves can be swapped while it runs (a new deployment at the same origin), and it
 * logs every path requested.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { ISOLATION_HEADERS } from '../../src/sw/headers';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
};

export interface StaticServer {
  /** http://127.0.0.1:<port>/ */
  readonly url: string;
  /** Serves another folder from now on (same origin). */
  setRoot(dir: string): void;
  /** Paths requested so far (decoded, without query). */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function serveStatic(root: string, mode: 'isolated' | 'plain'): Promise<StaticServer> {
  let dir = root;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const type = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' };
    res.writeHead(200, mode === 'isolated' ? { ...type, ...ISOLATION_HEADERS, 'Cache-Control': 'no-store' } : type);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    setRoot(next) {
      dir = next;
    },
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
