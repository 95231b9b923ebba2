/**
 * e2e global setup: build the app with vite, serve dist/ on a free localhost port with the
 * cross-origin isolation headers the app expects, and hand the URL to the tests (`inject('baseUrl')`),
 * with which source modules each of the page's chunks holds (`inject('pageChunks')`). The build and
 * the server are exported for bench/browser.ts.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative, resolve } from 'node:path';
import { build, type Plugin } from 'vite';
import type { TestProject } from 'vitest/node';

/** Chunk file (relative to dist/, e.g. `assets/index-abc.js`) → the source modules it holds (repository-relative, or `node_modules/<package>/…`). */
export type PageChunks = Record<string, string[]>;

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    pageChunks: PageChunks;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');

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

export function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
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
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

/** Records the modules of each chunk of the page's build (the workers are built apart and arrive here as assets). */
function pageChunksOf(out: PageChunks): Plugin {
  return {
    name: 'loupe-e2e-page-chunks',
    generateBundle(_options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        out[file] = Object.keys(chunk.modules).map((id) => relative(ROOT, id.replace(/^\0/, '').replace(/\?.*$/, '')));
      }
    },
  };
}

/** Builds the app into dist/ and returns which modules each page chunk holds. */
export async function buildApp(): Promise<PageChunks> {
  const chunks: PageChunks = {};
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', plugins: [pageChunksOf(chunks)] });
  return chunks;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chunks = await buildApp();
  const server = await serve(DIST);
  const { port } = server.address() as AddressInfo;
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  project.provide('pageChunks', chunks);
  return () => new Promise<void>((ok) => server.close(() => ok()));
}
