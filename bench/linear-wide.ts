/**
 * LinearRegression and Ridge on wide data: fit seconds at 300, 600 and 2,000 features × 10,000
 * rows (generated, seeded), split into the Gram pass and the solve, beside the solver this
 * replaced (a rank-1 update of G per row, then a cyclic-Jacobi eigendecomposition) measured in the
 * same run where it is affordable. Also two rank-deficient problems at 2,000 features (duplicated
 * columns; more features than rows), which take the minimum-norm path.
 *
 * Run: node --import tsx bench/linear-wide.ts [--sizes 300,600,2000] [--old-max 600] [--runs 3]
 * Prints JSON; wall and CPU seconds (CPU is less distorted on a shared machine), medians of `runs`
 * (one run at 2,000 features and for the old solver).
 */
import { LinearRegression, Ridge } from '../src/core/models/linear';
import { normalEquations, solveNormal } from '../src/core/models/linear/gram';
import type { Matrix } from '../src/core/models/types';
import { Rng } from '../src/core/random';
import { cpuSeconds, median, round } from './lib/measure';
import { option } from './lib/options';

const ROWS = 10_000;

const sizes = (option('sizes') ?? '300,600,2000').split(',').map(Number);
const oldMax = Number(option('old-max') ?? '600');
const runs = Number(option('runs') ?? '3');

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const value = await fn();
  return { value, wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

/**
 * n × p standard normal features; `duplicates` of the last columns copy earlier ones (exact
 * collinearity); y = X·β + noise with β_j = 1/(j+1).
 */
function problem(n: number, p: number, duplicates: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * p);
  const own = p - duplicates;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < own; j++) data[o + j] = rng.normal();
    for (let j = own; j < p; j++) data[o + j] = data[o + (j - own)];
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0.1 * rng.normal();
    for (let j = 0; j < p; j++) s += data[i * p + j] / (j + 1);
    y[i] = s;
  }
  return { X: { data, rows: n, cols: p }, y };
}

// ---- The solver before this bench (src/core/models/linear/gram.ts at 1faa809), kept as the peer ----

function oldGram(X: Matrix, y: Float64Array): { G: Float64Array; q: Float64Array } {
  const { rows: n, cols: p, data } = X;
  const xMean = new Float64Array(p);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) xMean[j] += data[i * p + j];
    yMean += y[i];
  }
  for (let j = 0; j < p; j++) xMean[j] /= n;
  yMean /= n;
  const G = new Float64Array(p * p);
  const q = new Float64Array(p);
  const c = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) c[j] = data[o + j] - xMean[j];
    const yc = y[i] - yMean;
    for (let j = 0; j < p; j++) {
      const cj = c[j];
      if (cj === 0) continue;
      q[j] += cj * yc;
      const r = j * p;
      for (let k = j; k < p; k++) G[r + k] += cj * c[k];
    }
  }
  for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) G[k * p + j] = G[j * p + k];
  return { G, q };
}

function oldSolve(G: Float64Array, q: Float64Array, p: number, alpha: number, rcond: number): Float64Array {
  const a = G.slice();
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < p; i++) {
      diag += a[i * p + i] ** 2;
      for (let j = i + 1; j < p; j++) off += a[i * p + j] ** 2;
    }
    if (off <= 1e-34 * diag || off === 0) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j];
        if (aij === 0) continue;
        const theta = (a[j * p + j] - a[i * p + i]) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < p; k++) {
          const aki = a[k * p + i];
          const akj = a[k * p + j];
          a[k * p + i] = cs * aki - sn * akj;
          a[k * p + j] = sn * aki + cs * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i * p + k];
          const ajk = a[j * p + k];
          a[i * p + k] = cs * aik - sn * ajk;
          a[j * p + k] = sn * aik + cs * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i];
          const vkj = v[k * p + j];
          v[k * p + i] = cs * vki - sn * vkj;
          v[k * p + j] = sn * vki + cs * vkj;
        }
      }
    }
  }
  let lmax = 0;
  for (let k = 0; k < p; k++) lmax = Math.max(lmax, a[k * p + k] + alpha);
  const w = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    const l = a[k * p + k] + alpha;
    if (!(l > lmax * rcond)) continue;
    let vq = 0;
    for (let i = 0; i < p; i++) vq += v[i * p + k] * q[i];
    for (let i = 0; i < p; i++) w[i] += (vq / l) * v[i * p + k];
  }
  return w;
}

// ---- measurements ----

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let j = 0; j < a.length; j++) d = Math.max(d, Math.abs(a[j] - b[j]));
  return d;
}

async function wide(p: number): Promise<Record<string, unknown>> {
  const { X, y } = problem(ROWS, p, 0, p);
  const reps = p >= 2000 ? 1 : runs;
  const fits: { wall: number; cpu: number }[] = [];
  let ols: LinearRegression | undefined;
  for (let r = 0; r < reps; r++) {
    const t = await timed(() => new LinearRegression().fit(X, y));
    fits.push(t);
    ols = t.value;
  }
  const ridge = await timed(() => new Ridge({ alpha: 1 }).fit(X, y));
  const gram = await timed(() => normalEquations(X, y, { fitIntercept: true }));
  const solve = await timed(async () => solveNormal(gram.value.G, gram.value.q, p, 0, Math.max(ROWS, p) * Number.EPSILON));
  const row: Record<string, unknown> = {
    features: p,
    rows: ROWS,
    linearFitSeconds: round(median(fits.map((f) => f.wall))),
    linearFitCpuSeconds: round(median(fits.map((f) => f.cpu))),
    ridgeFitSeconds: round(ridge.wall),
    gramSeconds: round(gram.wall),
    solveSeconds: round(solve.wall),
    runs: reps,
  };
  if (p <= oldMax) {
    const og = await timed(() => oldGram(X, y));
    const os = await timed(() => oldSolve(og.value.G, og.value.q, p, 0, Math.max(ROWS, p) * Number.EPSILON));
    const oldFit = og.wall + os.wall;
    Object.assign(row, {
      oldFitSeconds: round(oldFit),
      oldFitCpuSeconds: round(og.cpu + os.cpu),
      oldGramSeconds: round(og.wall),
      oldSolveSeconds: round(os.wall),
      speedup: round(oldFit / (row.linearFitSeconds as number), 1),
      maxCoefDiffVsOld: maxAbsDiff(ols!.coef, os.value),
    });
  }
  process.stderr.write(`${p} features: linear fit ${row.linearFitSeconds} s${row.oldFitSeconds !== undefined ? ` (old ${row.oldFitSeconds} s)` : ''}\n`);
  return row;
}

async function rankDeficient(n: number, p: number, duplicates: number): Promise<Record<string, unknown>> {
  const { X, y } = problem(n, p, duplicates, 7);
  const gram = await timed(() => normalEquations(X, y, { fitIntercept: true }));
  const solve = await timed(async () => solveNormal(gram.value.G, gram.value.q, p, 0, Math.max(n, p) * Number.EPSILON));
  const fit = await timed(() => new LinearRegression().fit(X, y));
  // Normal-equation residual ‖G·w − q‖∞ relative to ‖q‖∞: the solution is a least-squares one.
  const { G, q } = gram.value;
  let res = 0;
  let qn = 0;
  for (let i = 0; i < p; i++) {
    let s = -q[i];
    for (let k = 0; k < p; k++) s += G[i * p + k] * solve.value[k];
    res = Math.max(res, Math.abs(s));
    qn = Math.max(qn, Math.abs(q[i]));
  }
  const row = {
    features: p,
    rows: n,
    duplicatedColumns: duplicates,
    linearFitSeconds: round(fit.wall),
    linearFitCpuSeconds: round(fit.cpu),
    gramSeconds: round(gram.wall),
    solveSeconds: round(solve.wall),
    relativeNormalResidual: res / qn,
  };
  process.stderr.write(`rank-deficient ${n} × ${p} (${duplicates} duplicated): fit ${row.linearFitSeconds} s\n`);
  return row;
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (const p of sizes) results.push(await wide(p));
  const deficient = sizes.includes(2000) ? [await rankDeficient(ROWS, 2000, 500), await rankDeficient(1000, 2000, 0)] : [];
  console.log(JSON.stringify({ bench: 'linear-wide', node: process.version, wide: results, rankDeficient: deficient }, null, 2));
}

await main();
