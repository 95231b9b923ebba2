/** Formatting for display; plain functions, no state. */
const int = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

export function formatInt(n: number): string {
  return int.format(n);
}

/** A statistic: 4 significant digits, thousands separators. */
export function formatStat(v: number | undefined | null): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return compact.format(v);
}

export { formatBytes, plural } from '../core/format';

/** A probability or a share as a percentage: one decimal, "< 0.1 %" rather than a rounded 0 (and "> 99.9 %" rather than 100). */
export function formatShare(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p > 0 && p < 0.0005) return '< 0.1 %';
  if (p < 1 && p > 0.9995) return '> 99.9 %';
  return `${(p * 100).toFixed(1)} %`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function describeDelimiter(d: string): string {
  return d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '|' ? 'pipe' : `“${d}”`;
}
