/**
 * Distributions of the Kolmogorov–Smirnov statistics, as scipy computes them for
 * `scipy.stats.ks_2samp(x, y)` (two-sided, method 'auto'):
 *
 * - `ksTwoSampleExactSf(n1, n2, h)`: the exact Pr(D ≥ h / lcm(n1, n2)) of the two-sample statistic
 *   by counting lattice paths (Hodges 1958): for n1 = n2 the alternating Drion–Gnedenko–Korolyuk
 *   sum in Horner form; otherwise the "inside method" recursion rewritten by Viehmann (2021,
 *   arXiv:2102.08037) to carry 1 − p directly, so tiny p-values (1e-130) keep full relative
 *   precision. Mirrors scipy.stats._stats_py._compute_prob_outside_square and
 *   scipy.stats._stats_pythran._compute_outer_prob_inside_method.
 * - `kolmogorovSf(n, x)`: the one-sample two-sided distribution Pr(D_n ≥ x), scipy.stats.kstwo.sf,
 *   which ks_2samp uses (with n = round(n1·n2/(n1+n2))) when an exact answer is not attempted.
 *   The method per (n, x) is chosen exactly as scipy.stats._ksstats._kolmogn does (Simard and
 *   L'Ecuyer 2011): Ruben–Gambino closed forms at the ends, the Durbin matrix (Marsaglia–Tsang–Wang
 *   2003), Pomeranz's recursion (1974), Pelz–Good's asymptotic series (1976), or twice the one-sided
 *   Smirnov tail. The same choice matters: Pelz–Good is an approximation, so picking a different
 *   method would move the p-value in its 5th–6th digit.
 * - `smirnovSf(n, x)`: the one-sided Pr(D+_n ≥ x) (scipy.special.smirnov) by the Smirnov /
 *   Birnbaum–Tingey sum, every term positive and computed in logs.
 *
 * The algorithms follow scipy's (BSD-3-Clause) choices and thresholds; the code is written anew.
 */

import { stirlingCorrection } from './special';

const LN2 = Math.LN2;
const TWO_128 = 2 ** 128;
const TWO_M128 = 2 ** -128;
/** ln(2^−1075): exp of anything below is 0 in doubles. */
const MIN_LOG = -745.1332191019412;
const PI2 = Math.PI * Math.PI;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const EPS = 2.220446049250313e-16;

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Round half to even, as numpy's np.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Exact two-sided p-value Pr(D ≥ d) of the two-sample KS statistic for sample sizes n1, n2 with
 * d = h / lcm(n1, n2), h an integer ≥ 1. May return a value outside [0, 1] only through rounding
 * (the caller then falls back, as scipy does).
 */
export function ksTwoSampleExactSf(n1: number, n2: number, h: number): number {
  if (n1 === n2) return probOutsideSquare(n1, h);
  return outerProbInside(n1, n2, gcd(n1, n2), h);
}

/** Pr(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^(k+1) C(2n, n−kh)/C(2n, n), summed in Horner form to avoid cancellation. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let a = 1;
    for (let j = 0; j < h; j++) a = ((n - k * h - j) * a) / (n + k * h + j + 1);
    p = a * (1 - p);
  }
  return 2 * p;
}

/**
 * Share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm(m,n),
 * column by column over a sliding window of the band (Viehmann's recursion for 1 − p).
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1];
}

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

/**
 * Pr(D_n ≥ x) for the two-sided one-sample KS statistic D_n = sup|F_n − F| (scipy.stats.kstwo.sf).
 * n a positive integer; NaN otherwise.
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: for 1/(2n) ≤ x ≤ 1/n the CDF is n!/n^n (2t − 1)^n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    } else cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - x, n)); // Ruben–Gambino, upper end
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x)); // D+ and D− cannot both exceed 1/2
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip01(1 - durbinMatrixCdf(n, x));
    if (nxx <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxx >= 18) cdf = 1;
  else if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) cdf = durbinMatrixCdf(n, x);
  else cdf = pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

const LOG_FACTORIAL_SMALL = (() => {
  const t = new Float64Array(16);
  for (let k = 2; k < 16; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();

/** R(k) = ln k! − k ln k + k (0 for k = 0): ½ ln(2πk) plus Stirling's correction, exact below 16. */
function stirlingRest(k: number): number {
  if (k === 0) return 0;
  if (k < 16) return LOG_FACTORIAL_SMALL[k] - k * Math.log(k) + k;
  return 0.5 * Math.log(2 * Math.PI * k) + stirlingCorrection(k);
}

/** ln(n!/n^n) by Stirling's series with n ln n taken out first (no cancellation). */
function logFactorialOverPower(n: number): number {
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + stirlingCorrection(n);
}

/** Pr(D_n ≤ d) by Durbin's matrix: the (k,k) entry of (n!/n^n)·H^n, H of order 2k − 1, with exponent bookkeeping. */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  // v[j] = (1 − h^(j+1)) / (j+1)!, w[j] = 1/j!; the last v entry gets the (2h − 1)^m correction.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  let hm = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) hm[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) hm[r * m] = v[r];
  for (let c = 0; c < m; c++) hm[(m - 1) * m + c] = v[m - 1 - c];

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      power = matmul(power, hm, m);
      expnt += hExpnt;
    }
    hm = matmul(hm, hm, m);
    hExpnt *= 2;
    if (Math.abs(hm[(k - 1) * m + (k - 1)]) > TWO_128) {
      for (let i = 0; i < hm.length; i++) hm[i] /= TWO_128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = power[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < TWO_M128) {
      p *= TWO_128;
      expnt -= 128;
    }
  }
  return clip01(p * Math.pow(2, expnt));
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l];
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j] += ail * b[l * m + j];
    }
  }
  return c;
}

/** Rows j1..j2 of Pomeranz's recursion that can be non-zero at step i. */
function pomeranzWindow(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n ≤ x) by Pomeranz's recursion: each row a convolution of the last with (almost) Poisson weights. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  for (let k = 1; k < npwrs; k++) {
    gpower[k] = (gpower[k - 1] * (g / n)) / k;
    twogpower[k] = (twogpower[k - 1] * ((2 * g) / n)) / k;
    onem2gpower[k] = (onem2gpower[k - 1] * ((1 - 2 * g) / n)) / k;
  }
  let v0 = new Float64Array(npwrs);
  let v1 = new Float64Array(npwrs);
  v1[0] = 1;
  let v0s = 0;
  let v1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzWindow(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0s, v1s] = [v1s, v0s];
    v1.fill(0);
    [j1, j2] = pomeranzWindow(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const len = j2 - k1 + 1;
    if (len > 0) {
      // Full convolution of v0[k1 − v0s ..][:len] with pwrs[:len], entries j1 − k1 .. j2 − k1 kept.
      const aStart = k1 - v0s;
      const aLen = Math.max(0, Math.min(len, npwrs - aStart));
      const bLen = Math.min(len, npwrs);
      const start = j1 - k1;
      const count = j2 - j1 + 1;
      let max = 0;
      for (let q = 0; q < count; q++) {
        const kk = start + q;
        let s = 0;
        const lo = Math.max(0, kk - bLen + 1);
        const hi = Math.min(aLen - 1, kk);
        for (let i2 = lo; i2 <= hi; i2++) s += v0[aStart + i2] * pwrs[kk - i2];
        v1[q] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < TWO_M128) {
        for (let q = 0; q < npwrs; q++) v1[q] *= TWO_128;
        expnt -= 128;
      }
      v1s = v0s + j1 - k1;
    }
  }
  let ans = v1[n - v1s];
  for (let k = 1; k <= n; k++) {
    if (Math.abs(ans) > TWO_128) {
      ans *= TWO_M128;
      expnt += 128;
    }
    ans *= k;
  }
  return clip01(ans * Math.pow(2, expnt));
}

/** Pelz–Good's approximation to Pr(D_n ≤ x): the Li-Chien/Korolyuk expansion K0 + K1/√n + K2/n + K3/n^1.5 in theta-function form. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI2 * PI2 * (1 - 2 * z2)) / 16;
  const k3d = (PI2 * PI2 * PI2 * (5 - 30 * z2)) / 64;
  const k3c = (PI2 * PI2 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const terms = [0, 0, 0, 0];
  // Horner in q^8 over the odd integers m = 2k − 1: Σ c(m) q^(m²).
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    terms[0] = terms[0] * qp + 1;
    terms[1] = terms[1] * qp + (k1a + k1b * m2);
    terms[2] = terms[2] * qp + (k2a + k2b * m2 + k2c * m4);
    terms[3] = terms[3] * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const div = [z, 6 * z4, 72 * z4 * z3, 6480 * z6 * z4];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i] * q * SQRT_2PI) / div[i];
  // The sums over all integers k that K2 and K3 also carry.
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = Math.pow(q, k2);
    const kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  terms[2] += (k2extra * PI2 * SQRT_2PI) / (-36 * z3);
  terms[3] += (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  return terms[0] + terms[1] / Math.sqrt(n) + terms[2] / n + terms[3] / Math.pow(n, 1.5);
}

/**
 * One-sided Pr(D+_n ≥ x) (scipy.special.smirnov) = x Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v).
 * Every term is positive; each is formed in logs and the sum stops once the rest cannot matter.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || !(x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  const nxFloor = Math.floor(nx);
  if (nxFloor === 0 || (nxFloor === 1 && nx === 1)) return 1 - x * Math.pow(1 + x, n - 1); // x ≤ 1/n
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return Math.pow(1 - x, n);
  if (n > 1_000_000) {
    const logp = -Math.pow(6 * nx + 1, 2) / 18 / n;
    // scipy's approximation for very large n: p ≈ exp(−(6nx + 1)² / 18n).
    return logp < -LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp);
  }
  const last = n - nxFloor - 1; // ⌊n(1 − x)⌋, less the zero term when nx is an integer
  // log of term v with n ln n, v ln v, (n−v) ln(n−v) cancelled by hand (they reach 1e6 for large n):
  // v·ln(1 + nx/v) + (n−v)·ln(1 − nx/(n−v)) − ln((nx+v)/n) + R(n) − R(v) − R(n−v), R(k) = ln k! − k ln k + k.
  const rn = stirlingRest(n);
  let sum = 0;
  let previous = Infinity;
  for (let v = 0; v <= last; v++) {
    const r = nx / (n - v);
    const down = r < 0.5 ? Math.log1p(-r) : Math.log((n - v - nx) / (n - v));
    const logTerm = (v === 0 ? 0 : v * Math.log1p(nx / v)) + (n - v) * down - Math.log((nx + v) / n) + rn - stirlingRest(v) - stirlingRest(n - v);
    const term = Math.exp(logTerm);
    sum += term;
    // Past the largest term the rest fall off; stop once all of them together are below rounding.
    if (term < previous && 4 * (last - v) * term < EPS * sum) break;
    previous = term;
  }
  return clip01(x * sum);
}
