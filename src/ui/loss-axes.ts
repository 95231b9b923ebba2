/**
 * What the two loss charts share — the Train screen's live curve of one candidate and the Runs
 * screen's curves of compared runs: the thinning of a long series and the log-scale loss axes.
 */

/** At most `max` + 1 evenly spaced items of `xs`, the last one always among them. */
export function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const step = xs.length / max;
  for (let i = 0; i < max; i++) out.push(xs[Math.floor(i * step)]);
  out.push(xs[xs.length - 1]);
  return out;
}

/** A loss a log axis can show (finite and above zero). */
export function plottableLoss(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && v > 0;
}

/** Plot options of a loss chart: loss on a log y axis, steps of `unit` on x. */
export function lossAxes(unit: string, size: { width: number; height: number; marginLeft: number }) {
  return { ...size, y: { type: 'log' as const, label: 'loss', grid: true }, x: { label: unit } };
}
