/** Shared look of the Explore charts (colours match the Data page). */
export const BAR = '#7c9ee8';
export const LEVEL_BAR = '#6bbf85';
export const INK = '#1c2430';
export const MEAN_LINE = '#e8590c';
export const CHART_STYLE = { fontSize: '12px', fontFamily: 'inherit', overflow: 'visible' } as const;


/**
 * A number in 4 significant digits with thousands separators, for chart tooltips: thousands of
 * calls per chart, so plain arithmetic instead of Intl.NumberFormat.
 */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : v > 0 ? '∞' : '−∞';
  if (Math.abs(v) >= 1000) {
    const s = String(Math.round(Math.abs(v))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return v < 0 ? `−${s}` : s;
  }
  const s = String(Number(v.toPrecision(4)));
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}
