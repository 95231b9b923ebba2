/**
 * e2e global setup: build the app with vite, serve dist/ on a free localhost port with the
 * cross-origin isolation headers (`inject('baseUrl')`), and hand the tests which source modules
 * each of the page's chunks holds (`inject('pageChunks')`). Tests of a plain static host (no
 * headers) start their own server on dist/ (static-server.ts), so they can watch what it is
 * asked for. The build is exported for bench/browser.ts.
 */
import { join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'vite';
import type { TestProject } from 'vitest/node';
import { serveStatic } from './static-server';

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
  const server = await serveStatic(DIST, 'isolated');
  project.provide('baseUrl', server.url);
  project.provide('pageChunks', chunks);
  return () => server.close();
}
