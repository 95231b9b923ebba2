/**
 * Special functions behind the drift p-values: log-gamma, the regularized incomplete gamma
 * functions, the chi-square survival function and the standard normal CDF. JavaScript has none
 * of them; these are accurate to a few units in the 14th–15th significant digit over the ranges
 * the drift tests use (checked in tests/core/drift/special.test.ts against closed forms and scipy).
 */

/** Stirling-series coefficients B(2k) / (2k (2k−1)), k = 1..8 (B = Bernoulli numbers). */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Below this the Stirling series is not used directly: the argument is shifted up first. */
const STIRLING_MIN = 15;
const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/** The Stirling correction Σ B(2k)/(2k(2k−1)) / z^(2k−1) (z ≥ 15: the series is then good to full precision). */
export function stirlingCorrection(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  let s = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) s = s * r2 + STIRLING[k];
  return s * r;
}

/** ln Γ(x) for x > 0 (Stirling series, shifted up by the recurrence Γ(x+1) = xΓ(x) when x < 15). NaN for x ≤ 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x === Infinity) return Infinity;
  let z = x;
  let prod = 1;
  while (z < STIRLING_MIN) {
    prod *= z;
    z += 1;
  }
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + stirlingCorrection(z) - Math.log(prod);
}

/** log of x^a e^(−x) / Γ(a), the common factor of both incomplete-gamma expansions. */
function logGammaPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/** P(a, x) by its power series (converges fast for x < a + 1). */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) return sum * Math.exp(logGammaPrefactor(a, x));
  }
  throw new Error(`lowerGammaSeries(${a}, ${x}) did not converge`);
}

/** Q(a, x) by its continued fraction, modified Lentz's method (converges fast for x ≥ a + 1). */
function upperGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h * Math.exp(logGammaPrefactor(a, x));
  }
  throw new Error(`upperGammaFraction(${a}, ${x}) did not converge`);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0, x ≥ 0 (scipy.special.gammainc). */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerGammaSeries(a, x) : 1 - upperGammaFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x) (scipy.special.gammaincc). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/**
 * Survival function of the chi-square distribution with `df` degrees of freedom,
 * Pr(X > x) = Q(df/2, x/2) — scipy.stats.chi2.sf(x, df) (scipy's chdtrc). 1 for x ≤ 0, 0 for x = ∞.
 */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** erf(x) = sign(x)·P(1/2, x²). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const p = gammaP(0.5, x * x);
  return x < 0 ? -p : p;
}

/** erfc(x) = 1 − erf(x), computed without cancellation for x > 0 as Q(1/2, x²). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return gammaQ(0.5, x * x);
}

/**
 * Standard normal CDF Φ(z) — scipy.special.ndtr / scipy.stats.norm.cdf, with its branches:
 * 0.5 + 0.5·erf(z/√2) for |z/√2| < 1, else 1 − 0.5·erfc(|z|/√2) (or 0.5·erfc for z < 0). Keeping
 * the same branches keeps the same rounding of 1 − Φ(|z|) that Evidently's Z-test p-value uses.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = z * Math.SQRT1_2;
  if (Math.abs(x) < 1) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(Math.abs(x));
  return x > 0 ? 1 - y : y;
}
