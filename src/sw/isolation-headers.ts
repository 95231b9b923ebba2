/**
 * The headers that make a page cross-origin isolated (SharedArrayBuffer, so tfjs's threaded WASM
 * build): COOP same-origin and COEP require-corp on the page and every worker script, and CORP
 * same-origin so each of Loupe's own files may be embedded by an isolated page. The service
 * worker adds them to every response it serves; `npm start` and the test server send them too.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A copy of `response` with the isolation headers; opaque and error responses pass unchanged. */
export function isolated(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
