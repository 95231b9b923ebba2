/**
 * Watches a browser context for the privacy guarantee: every request it makes (page, workers,
 * downloads) and every Content-Security-Policy violation — those the pages report
 * (`securitypolicyviolation`) and those the workers log. Start it before the first navigation;
 * it survives reloads.
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface Violation {
  directive: string;
  blocked: string;
  source: string;
  sample: string;
}

export interface PrivacyWatch {
  /** Every URL requested so far. */
  readonly requests: string[];
  /** Requests to any origin but `origin` (blob: URLs count by their creator's origin; data: URLs are not requests). */
  foreign(origin: string): string[];
  readonly violations: Violation[];
}

function originOf(url: string): string | null {
  if (url.startsWith('data:')) return null;
  return new URL(url.startsWith('blob:') ? url.slice(5) : url).origin;
}

export async function watchPrivacy(context: BrowserContext): Promise<PrivacyWatch> {
  const requests: string[] = [];
  const violations: Violation[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const watchWorkers = (page: Page): void => {
    page.on('worker', (w) =>
      w.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push({ directive: 'in a worker', blocked: '', source: w.url(), sample: m.text() });
      }),
    );
  };
  context.pages().forEach(watchWorkers);
  context.on('page', watchWorkers);
  await context.exposeBinding('__loupeCspViolation', (_source, v: Violation) => void violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __loupeCspViolation: (v: unknown) => void }).__loupeCspViolation;
      report({ directive: e.effectiveDirective, blocked: e.blockedURI, source: `${e.sourceFile}:${e.lineNumber}`, sample: e.sample });
    });
  });
  return {
    requests,
    foreign: (origin) => requests.filter((u) => {
      const o = originOf(u);
      return o !== null && o !== origin;
    }),
    violations,
  };
}
