/**
 * Loupe's Content-Security-Policy: only the page's own origin, for everything. The page gets it
 * as a <meta> tag (index.html; static hosts cannot be relied on for headers). Workers do not
 * inherit a page's policy — a worker script takes the policy of its own response — so the service
 * worker adds WORKER_POLICY as a header to the scripts it serves, and the workers that hold the
 * data are held to 'self' too.
 */

/**
 * The page: scripts, connections, images, fonts, manifest only from 'self'; no plugins, frames or
 * <base>. Styles may be inline: Observable Plot puts a <style> element in each chart; every url()
 * in a style is still bound to 'self' by img-src and font-src, so no style can send data away.
 * The page runs no WebAssembly (tfjs loads only in workers), so no 'wasm-unsafe-eval' here.
 */
export const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "manifest-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * The workers: tfjs compiles its .wasm ('wasm-unsafe-eval'), and the threaded build starts its
 * pthread workers from a Blob URL (worker-src blob:) whose script pulls in the Emscripten factory
 * from another Blob URL (script-src blob:). Connections stay 'self'.
 */
export const WORKER_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');
