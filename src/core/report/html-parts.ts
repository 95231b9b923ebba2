/** Small pieces every section of the model report is written with: numbers, cells, sections. */
import { escapeHtml } from '../drift/html';
import type { ModelBundle } from '../bundle/bundle';
import { formatCount } from '../format';

/** A table cell holding a number, its exact value in `data-value` (for readers and tests). */
export function num(x: number, field: string, digits = 4): string {
  return `<td class="num" data-field="${escapeHtml(field)}" data-value="${x}">${escapeHtml(fmt(x, digits))}</td>`;
}

/** Up to `digits` significant digits, thousands separated where large. */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 10 ** digits) return formatCount(Math.round(x));
  return String(Number(x.toPrecision(digits)));
}

export function pct(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`;
}

export function section(title: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/** A coordinate rounded for SVG (to 1/scale). */
export function fx(x: number, scale = 10): string {
  return (Math.round(x * scale) / scale).toString();
}

/** What the metrics were measured on: "5-fold cross-validation (…)" or "the test part (n rows)". */
export function scoredOn(b: ModelBundle): string {
  return b.lineage.split.kind === 'kfold' ? `${b.lineage.split.k}-fold cross-validation (mean over folds; each fold on the right)` : `the test part (${formatCount(b.lineage.split.testRows)} rows)`;
}

/** How long fitting and predicting took, as a note (empty when the bundle does not say). */
export function timesNote(b: ModelBundle): string {
  const k = b.lineage.split.kind === 'kfold';
  const times = [
    b.metrics.fitSeconds !== undefined ? `fitted in ${fmt(b.metrics.fitSeconds, 3)} s` : '',
    b.metrics.predictSeconds !== undefined ? `predicted the ${k ? 'folds' : 'test rows'} in ${fmt(b.metrics.predictSeconds, 3)} s` : '',
  ].filter(Boolean);
  return times.length ? `<p class="note">${escapeHtml(times.join('; '))}.</p>` : '';
}
