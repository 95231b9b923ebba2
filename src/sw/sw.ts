/// <reference lib="webworker" />
/**
 * Loupe's one service worker (built by vite-plugin-pwa's injectManifest from this file). Two jobs:
 *
 * 1. Offline: Workbox precaches the app shell, every worker chunk and the tfjs .wasm binaries
 *    (the list is injected at build as `self.__WB_MANIFEST`) and answers from that cache, so after
 *    one visit the whole app works without a network. A new deployment installs beside the old one
 *    and waits; the page shows "update available" and sends SKIP_WAITING when the person agrees.
 * 2. Threads on any static host: every response it hands to the page gets COOP/COEP
 *    (`require-corp`), so the page is cross-origin isolated from its second load on even where the
 *    host sends no such headers, and tfjs can use its threaded WASM build (the coi-serviceworker
 *    technique). The page reloads once when this worker first takes control (src/app/Installation).
 *    Scripts also carry the workers' Content-Security-Policy (src/sw/content-policy.ts).
 *
 * A second service worker would fight this one for the scope, so both jobs live here.
 */
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import { withLoupeHeaders } from './headers';

declare let self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

/** Adds the isolation headers to whatever a Workbox strategy is about to answer. */
const isolate: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => withLoupeHeaders(response),
};

addPlugins([isolate]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Navigations inside the scope (the app's page, with any query) get the precached page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// The workers probe the .wasm files with HEAD before choosing tfjs's backend: answer from the
// precache too, or offline they would fall back to the slower cpu backend.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname.endsWith('.wasm'),
  async ({ request }) => {
    const cached = await matchPrecache(request.url);
    if (!cached) return withLoupeHeaders(await fetch(request));
    return withLoupeHeaders(new Response(null, { status: cached.status, statusText: cached.statusText, headers: cached.headers }));
  },
  'HEAD',
);

// Anything else of this origin (nothing the app needs, but a host may serve more): the network,
// still with the headers, so an isolated page can load it.
registerRoute(({ sameOrigin }) => sameOrigin, new NetworkOnly({ plugins: [isolate] }));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Take the open page at once on the first install, so its reload comes back isolated.
clientsClaim();
