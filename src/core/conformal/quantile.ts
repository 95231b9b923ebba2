/**
 * The conformal quantile: with n calibration scores exchangeable with a new row's score, the
 * ⌈(n+1)·c⌉-th smallest score bounds the new score with probability at least c (Vovk et al. 2005;
 * Lei et al. 2018, Theorem 2.2). When ⌈(n+1)·c⌉ > n no finite bound has that guarantee.
 */
import { InvalidParamsError } from '../errors';

/** Checks a coverage level given by a person (an option, a CLI flag): strictly between 0 and 1. */
export function checkCoverage(coverage: number, field = 'coverage'): number {
  if (!(typeof coverage === 'number' && coverage > 0 && coverage < 1))
    throw new InvalidParamsError('bad-coverage', `The interval coverage must be a share between 0 and 1 (0.9 for 90 %); got ${String(coverage)}.`, { field });
  return coverage;
}

/** 1-based rank of the conformal quantile among n sorted scores (may exceed n). */
export function conformalRank(n: number, coverage: number): number {
  // The small tolerance keeps (n+1)·c that is an integer in exact arithmetic (e.g. 99 · 0.9 → 89.100…01) from rounding up.
  return Math.max(1, Math.ceil((n + 1) * coverage - 1e-9));
}

/** The fewest calibration scores that give a finite interval at this coverage. */
export function minimumScores(coverage: number): number {
  return Math.ceil(coverage / (1 - coverage) - 1e-9);
}

/** The conformal quantile of ascending `sorted` scores at `coverage`; Infinity when there are too few. */
export function conformalQuantile(sorted: Float64Array, coverage: number): number {
  const k = conformalRank(sorted.length, coverage);
  return k > sorted.length ? Infinity : sorted[k - 1];
}
