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

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${formatInt(n)} ${n === 1 ? word : words}`;
}

export function describeDelimiter(d: string): string {
  return d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '|' ? 'pipe' : `“${d}”`;
}
