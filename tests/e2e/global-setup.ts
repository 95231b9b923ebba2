/**
 * e2e global setup: build the app with vite, serve dist/ on a free localhost port with the
 * cross-origin isolation headers (`inject('baseUrl')`). Tests of a plain static host (no headers)
 * start their own server on dist/ (static-server.ts), so they can watch what it is asked for.
 */
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { serveStatic } from './static-server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  const server = await serveStatic(DIST, 'isolated');
  project.provide('baseUrl', server.url);
  return () => server.close();
}
