/**
 * Numbers and lists in messages, for every layer (core, storage, the UI): one wording of counts,
 * plurals, row lists and sizes wherever a person reads them.
 */

/**
 * Thousands-separated integers for messages, as `n.toLocaleString('en-US')` writes them
 * ("1,234,567"), without its cost: the first toLocaleString call in a process loads locale data
 * (tens of milliseconds), more than profiling a small file takes.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(n < 0 ? -n : n);
  let i = digits.length % 3 || 3;
  let out = digits.slice(0, i);
  for (; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return n < 0 ? '-' + out : out;
}

/** "1 row", "2 rows", "1,234 rows"; `words` for irregular plurals ("1 row has" / "3 rows have"). */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : words}`;
}

/** The first `max` row numbers, then "and N more" when there are more than that. */
export function listRows(rows: readonly number[], total: number, max = 10): string {
  const shown = rows.slice(0, max).join(', ');
  return total > max ? `${shown} and ${formatCount(total - max)} more` : shown;
}

/** A size in bytes in decimal units (as browsers' storage estimates): "820 B", "14.2 kB", "3.1 MB"; "unknown" for none. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'unknown';
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** A number as messages show a value: at most 6 significant digits. */
export function formatValue(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** A share as a short percentage for messages: 0.0123 → "1.2%"; never rounds 99.96% up to 100%. */
export function formatPercent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0%';
  if (p < 0.01) return '<0.01%';
  if (p < 1) return `${p.toFixed(2)}%`;
  if (p < 10) return `${p.toFixed(1)}%`;
  if (p < 99) return `${Math.round(p)}%`;
  if (p < 100) return p.toFixed(1) === '100.0' ? '>99.9%' : `${p.toFixed(1)}%`;
  return '100%';
}
