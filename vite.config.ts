import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import SummaryReporter from './tests/summary-reporter.ts';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { PAGE_POLICY } from './src/sw/content-policy.ts';
import { ISOLATION_HEADERS } from './src/sw/headers.ts';
import { LOUPE_VERSION } from './src/core/version.ts';
import { ICONS, iconFileName, iconPng } from './tools/pwa-icons.ts';

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

/** The PWA icons (tools/pwa-icons.ts): written into the build at icons/, served by the dev server. */
function pwaIcons(): Plugin {
  const files = new Map(ICONS.map((spec) => [iconFileName(spec), spec]));
  return {
    name: 'loupe-pwa-icons',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const spec = files.get(/\/icons\/([\w.-]+\.png)(\?.*)?$/.exec(req.url ?? '')?.[1] ?? '');
        if (!spec) return next();
        res.setHeader('Content-Type', 'image/png');
        res.end(iconPng(spec));
      });
    },
    generateBundle() {
      for (const [name, spec] of files) this.emitFile({ type: 'asset', fileName: `icons/${name}`, source: iconPng(spec) });
    },
  };
}

/**
 * Chunks of the page's build that hold tfjs: src/core/tf imports tfjs only when a thread
 * initialises it, which the page never does (the workers carry their own copies). They are
 * left out of the service worker's precache, where they would only cost a megabyte.
 */
const pageTfjsChunks = new Set<string>();
function findPageTfjsChunks(): Plugin {
  return {
    name: 'loupe-page-tfjs-chunks',
    generateBundle(_options, bundle) {
      for (const c of Object.values(bundle))
        if (c.type === 'chunk' && Object.keys(c.modules).some((id) => id.includes('/node_modules/@tensorflow/'))) pageTfjsChunks.add(c.fileName);
    },
  };
}

/**
 * Writes the build's identity into index.html (`<meta name="loupe-build">`): the version and a
 * hash of every other file of the build, so each deployment that changes anything has its own
 * id, which the page shows (Stored data) beside the "update available" prompt's result.
 */
function buildId(): Plugin {
  return {
    name: 'loupe-build-id',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle['index.html'];
      if (!html || html.type !== 'asset') return;
      const hash = createHash('sha256');
      for (const name of Object.keys(bundle).sort()) {
        const f = bundle[name];
        if (name === 'index.html') continue;
        hash.update(name).update(f.type === 'chunk' ? f.code : f.source);
      }
      html.source = String(html.source).replace('%LOUPE_BUILD%', `${LOUPE_VERSION}+${hash.digest('hex').slice(0, 10)}`);
    },
  };
}

/** The page's Content-Security-Policy (src/sw/content-policy.ts) into index.html's meta tag. */
function contentPolicy(): Plugin {
  return {
    name: 'loupe-content-policy',
    transformIndexHtml: (html) => html.replace('%LOUPE_CSP%', PAGE_POLICY),
  };
}

/**
 * The web app manifest and the one service worker (src/sw/sw.ts: precache for offline use, and
 * the COOP/COEP headers that make any static host cross-origin isolated). Paths are relative so
 * that Loupe installs and works from a sub-path. The precache takes every file of the build,
 * including the tfjs .wasm binaries (not in Workbox's default patterns) and the worker chunks
 * (above Workbox's default 2 MiB limit once tfjs is in them).
 */
const pwa = VitePWA({
  strategies: 'injectManifest',
  srcDir: 'src/sw',
  filename: 'sw.ts',
  registerType: 'prompt',
  injectRegister: false,
  manifestFilename: 'manifest.webmanifest',
  includeManifestIcons: false,
  manifest: {
    id: './',
    name: 'Loupe — tabular ML in your browser',
    short_name: 'Loupe',
    description: 'Train, track and serve tabular models entirely in the browser. Your data never leaves it.',
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#f6f7f9',
    theme_color: '#16202e',
    icons: ICONS.map((spec) => ({ src: `icons/${iconFileName(spec)}`, sizes: `${spec.size}x${spec.size}`, type: 'image/png', purpose: spec.purpose })),
  },
  injectManifest: {
    rollupFormat: 'iife',
    globPatterns: ['**/*.{html,js,css,wasm,svg,png}'],
    maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
    manifestTransforms: [async (entries) => ({ manifest: entries.filter((e) => !pageTfjsChunks.has(e.url)), warnings: [] })],
  },
});

export default defineConfig({
  base: './',
  publicDir: 'static',
  plugins: [svelte(), contentPolicy(), tfjsWasm(), tfjsThreadedBlob(), pwaIcons(), findPageTfjsChunks(), buildId(), pwa],
  worker: { format: 'es', plugins: () => [tfjsThreadedBlob()] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS, port: 4173, strictPort: false },
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
