/**
 * The headers of what the service worker serves. COOP same-origin and COEP require-corp make the
 * page cross-origin isolated (SharedArrayBuffer, so tfjs's threaded WASM build); CORP same-origin
 * lets an isolated page embed each of Loupe's own files. Scripts also get the workers' policy
 * (a worker takes the policy of its script's response; page scripts ignore it). `npm start` and
 * the test server send the isolation headers too.
 */
import { WORKER_POLICY } from './content-policy.ts';

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A copy of `response` with Loupe's headers; opaque and error responses pass unchanged. */
export function withLoupeHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  if (/javascript/i.test(headers.get('Content-Type') ?? '')) headers.set('Content-Security-Policy', WORKER_POLICY);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
