/**
 * e2e global setup: build the app with vite and serve dist/ on two free localhost ports — one
 * with the cross-origin isolation headers the app expects (`inject('baseUrl')`), one that sends
 * no headers but Content-Type, as most static hosts (`inject('plainUrl')`).
 */
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { serveStatic } from './static-server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    plainUrl: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  const isolated = await serveStatic(DIST, 'isolated');
  const plain = await serveStatic(DIST, 'plain');
  project.provide('baseUrl', isolated.url);
  project.provide('plainUrl', plain.url);
  return async () => {
    await Promise.all([isolated.close(), plain.close()]);
  };
}
