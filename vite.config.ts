import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import SummaryReporter from './tests/summary-reporter.ts';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Serves the tfjs WASM binaries at `tfjs/<file>.wasm` (dev server) and writes them there in the
 * build, straight from node_modules: the binaries are never committed. Workers pass
 * `new URL('tfjs/', document.baseURI)` as `wasmPaths`.
 */
function tfjsWasm(): Plugin {
  const dir = join(import.meta.dirname, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const files = () => readdirSync(dir).filter((f) => f.endsWith('.wasm'));
  return {
    name: 'loupe-tfjs-wasm',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /\/tfjs\/([\w.-]+\.wasm)(\?.*)?$/.exec(req.url ?? '');
        if (!m || !files().includes(m[1])) return next();
        res.setHeader('Content-Type', 'application/wasm');
        createReadStream(join(dir, m[1])).pipe(res);
      });
    },
    generateBundle() {
      for (const f of files()) this.emitFile({ type: 'asset', fileName: `tfjs/${f}`, source: readFileSync(join(dir, f)) });
    },
  };
}

/**
 * The threaded tfjs WASM build starts its pthread workers from a Blob made of
 * `wasmFactoryThreadedSimd.toString()`; once minified, that function refers to renamed outer
 * variables (`e is not defined` in the pthread workers, and the backend never becomes ready).
 * This puts the package's original, unminified factory source in the Blob instead.
 */
function tfjsThreadedBlob(): Plugin {
  const factory = join(import.meta.dirname, 'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const call = /`var WasmBackendModuleThreadedSimd = `\s*\+\s*wasmFactoryThreadedSimd\.toString\(\)/;
  return {
    name: 'loupe-tfjs-threaded-blob',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm') || !call.test(code)) return null;
      return { code: code.replace(call, () => JSON.stringify(readFileSync(factory, 'utf8'))), map: null };
    },
  };
}

/** Cross-origin isolation lets the tfjs WASM backend use its threaded SIMD build. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  publicDir: 'static',
  plugins: [svelte(), tfjsWasm(), tfjsThreadedBlob()],
  worker: { format: 'es', plugins: () => [tfjsThreadedBlob()] },
  server: { headers: isolation },
  preview: { headers: isolation, port: 4173, strictPort: false },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    reporters: ['default', new SummaryReporter()],
    projects: [
      {
        // The app's state classes (*.svelte.ts) use runes: compiled by the Svelte plugin.
        plugins: [svelte()],
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        // Browser tests: build the app, serve dist/ and drive Debian's Chromium with playwright-core.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.e2e.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
