/**
 * Centered normal equations for the linear family: G = XcᵀXc, q = Xcᵀyc, with Xc, yc the data
 * minus their training means (when fitting an intercept), and the solver OLS and Ridge use on them.
 *
 * Why float64 in JavaScript and not tfjs: tfjs has no float64, and the oracle asks for
 * coefficients within 1e-4 relative of scikit-learn's float64 fit. Measured on the gemstone split
 * (52,428 × 9, standardized, Node 20, wasm SIMD): a float32 Gram from tf.matMul over 4,096-row
 * blocks, summed in f64, has entries off by up to 2e-7 (relative to √(G_jj·G_kk)); carat, x, y
 * and z are so collinear (cond(G) ≈ 5.6e3) that Ridge(1) solved on it misses scikit-learn's
 * coefficients by 1.3e-3 relative. f64 iterative refinement could repair OLS/Ridge, but
 * Lasso/ElasticNet must follow scikit-learn's exact coordinate-descent path (its duality-gap test
 * decides where it stops), which needs an exact Gram. tfjs does the dense math where float32 is
 * enough: the k-NN distance matrix and the MLP.
 *
 * Cost: the Gram is n·p²/2 multiply-adds, the solve p³/6 (a Cholesky factorisation), so for wide
 * data the Gram dominates; bench/linear-wide.ts measures both.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { Rng } from '../../random';
import type { FitOptions, Matrix } from '../types';

export interface NormalEquations {
  /** p×p row-major, full (both triangles). */
  G: Float64Array;
  q: Float64Array;
  /** Σ yc². */
  yy: number;
  xMean: Float64Array;
  yMean: number;
}

export interface GramOptions {
  fitIntercept: boolean;
  signal?: FitOptions['signal'];
  /** Called after each block with the fraction of rows done (0..1). */
  onBlock?: (fraction: number) => void;
  /** Rows between progress reports and cancellation checks (default 4,096). */
  blockRows?: number;
}

/**
 * Rows transposed into one panel for the Gram kernel: 256 rows × p features × 8 bytes is 4 MB at
 * p = 2,000, which stays in the shared L3 while the kernel sweeps it p/4 times; narrower
 * panels spend more time adding partial sums into G (measured: 128 rows ~20 % slower at p = 2,000).
 */
const PANEL_ROWS = 256;
/** Columns of G filled per sweep of the panel: their 4-column strips (128 × 256 × 8 = 256 KB) stay in L2. */
const PANEL_COLS = 128;

export async function normalEquations(X: Matrix, y: Float64Array, opts: GramOptions): Promise<NormalEquations> {
  const { rows: n, cols: p, data } = X;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (opts.fitIntercept) {
    for (let i = 0; i < n; i++) {
      const o = i * p;
      for (let j = 0; j < p; j++) xMean[j] += data[o + j];
      yMean += y[i];
    }
    for (let j = 0; j < p; j++) xMean[j] /= n;
    yMean /= n;
  }
  const G = new Float64Array(p * p);
  const q = new Float64Array(p);
  let yy = 0;
  // The centered rows of a panel, transposed: feature j's values are panel[j·PANEL_ROWS ..].
  // Rows of features past p (up to a multiple of 4) stay zero for the 4×4 kernel.
  const panel = new Float64Array(roundUp4(p) * PANEL_ROWS);
  const block = Math.max(1, opts.blockRows ?? 4096);
  const cp = new Checkpointer(opts.signal);
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    for (let s = start; s < end; s += PANEL_ROWS) {
      const m = Math.min(PANEL_ROWS, end - s);
      for (let i = 0; i < m; i++) {
        const o = (s + i) * p;
        const yc = y[s + i] - yMean;
        yy += yc * yc;
        for (let j = 0; j < p; j++) {
          const c = data[o + j] - xMean[j];
          panel[j * PANEL_ROWS + i] = c;
          q[j] += c * yc;
        }
      }
      addGramPanel(G, p, panel, PANEL_ROWS, 0, m);
      await cp.maybe();
    }
    opts.onBlock?.(end / n);
    await cp.maybe();
  }
  throwIfAborted(opts.signal);
  for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) G[k * p + j] = G[j * p + k];
  return { G, q, yy, xMean, yMean };
}

const roundUp4 = (p: number): number => (p + 3) & ~3;

/**
 * G[j][k] += Σ_{i0≤i<i1} B[j][i]·B[k][i] for k ≥ j (the upper triangle of a p×p row-major G), where
 * row j of B starts at B[j·stride] and B has zero rows up to a multiple of 4.
 *
 * A 4×4 block of G per pass over the values: 8 loads feed 16 multiply-adds held in locals,
 * about 2.5× the rate of one rank-1 update of G per row (which streams all of G from memory per
 * row); wider blocks spill registers.
 */
function addGramPanel(G: Float64Array, p: number, B: Float64Array, stride: number, i0: number, i1: number): void {
  const p4 = roundUp4(p);
  for (let k0 = 0; k0 < p4; k0 += PANEL_COLS) {
    const k1 = Math.min(p4, k0 + PANEL_COLS);
    for (let j = 0; j < k1; j += 4) {
      const a0 = j * stride;
      const a1 = a0 + stride;
      const a2 = a1 + stride;
      const a3 = a2 + stride;
      for (let k = Math.max(j, k0); k < k1; k += 4) {
        const b0 = k * stride;
        const b1 = b0 + stride;
        const b2 = b1 + stride;
        const b3 = b2 + stride;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let i = i0; i < i1; i++) {
          const x0 = B[a0 + i], x1 = B[a1 + i], x2 = B[a2 + i], x3 = B[a3 + i];
          const y0 = B[b0 + i], y1 = B[b1 + i], y2 = B[b2 + i], y3 = B[b3 + i];
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        if (k + 3 < p) {
          let r = j * p + k;
          G[r] += s00; G[r + 1] += s01; G[r + 2] += s02; G[r + 3] += s03;
          r += p;
          G[r] += s10; G[r + 1] += s11; G[r + 2] += s12; G[r + 3] += s13;
          r += p;
          G[r] += s20; G[r + 1] += s21; G[r + 2] += s22; G[r + 3] += s23;
          r += p;
          G[r] += s30; G[r + 1] += s31; G[r + 2] += s32; G[r + 3] += s33;
        } else {
          // The last block of columns, cut at p (rows and columns past p are padding).
          const s = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
          for (let a = 0; a < 4 && j + a < p; a++) for (let b = 0; b < 4 && k + b < p; b++) G[(j + a) * p + k + b] += s[a * 4 + b];
        }
      }
    }
  }
}

/**
 * w = (G + αI)⁺ q: for OLS (α = 0) with collinear features, the least-squares solution of
 * minimum norm, which scikit-learn's lstsq returns.
 *
 * G + αI is factored by Cholesky with diagonal pivoting (LAPACK's dpstrf): each step takes the
 * largest remaining diagonal as the pivot, and once that is at or below λmax·rcond the rest counts
 * as zero and the rank r is the number of steps taken. rcond = max(n, p)·eps mirrors lstsq's
 * default cut-off applied to the Gram (whose own rounding is ~n·eps·λmax), the threshold the
 * eigendecomposition used before this solver. Full rank: two triangular solves. Rank r < p: the
 * minimum-norm solution from the factor's two blocks (see minimumNorm).
 *
 * p³/6 multiply-adds for the factor, against several cyclic-Jacobi sweeps of ~4p³ each for the
 * eigendecomposition used before: at 600 features the solve took 5.6 s and now 0.04 s
 * (bench/linear-wide.ts).
 */
export async function solveNormal(
  G: Float64Array,
  q: Float64Array,
  p: number,
  alpha: number,
  rcond: number,
  signal?: FitOptions['signal'],
): Promise<Float64Array> {
  const cp = new Checkpointer(signal);
  const A = G.slice();
  for (let j = 0; j < p; j++) A[j * p + j] += alpha;
  const perm = new Int32Array(p);
  const r = await pivotedCholesky(A, p, largestEigenvalue(A, p) * rcond, perm, cp);
  const b = Float64Array.from(perm, (k) => q[k]);
  const z = r === p ? choleskySolve(A, p, p, b) : await minimumNorm(A, p, r, b, cp);
  const w = new Float64Array(p);
  for (let j = 0; j < p; j++) w[perm[j]] = z[j];
  return w;
}

/**
 * The largest eigenvalue of a symmetric positive semi-definite matrix, for a relative tolerance:
 * 20 steps of power iteration from a fixed pseudo-random start (its Rayleigh quotient is a lower
 * bound that converges quickly), and never less than the largest diagonal entry.
 */
function largestEigenvalue(A: Float64Array, p: number): number {
  let lambda = 0;
  for (let j = 0; j < p; j++) lambda = Math.max(lambda, A[j * p + j]);
  const rng = new Rng(0x5eed);
  let v = Float64Array.from({ length: p }, () => rng.next() + 0.5);
  const w = new Float64Array(p);
  for (let it = 0; it < 20; it++) {
    let vv = 0;
    let vw = 0;
    let ww = 0;
    for (let i = 0; i < p; i++) {
      const o = i * p;
      let s = 0;
      for (let k = 0; k < p; k++) s += A[o + k] * v[k];
      w[i] = s;
      vv += v[i] * v[i];
      vw += v[i] * s;
      ww += s * s;
    }
    if (!(ww > 0)) break;
    lambda = Math.max(lambda, vw / vv);
    const scale = 1 / Math.sqrt(ww);
    v = w.map((x) => x * scale);
  }
  return lambda;
}

/**
 * Cholesky factorisation with diagonal pivoting, in place on the p×p row-major symmetric A
 * (both triangles): afterwards A[perm[i]][perm[j]] = Σ_k L[i][k]·L[j][k] with L (p×r) in the
 * lower triangle of A's first r columns. Stops when the largest remaining pivot is ≤ tol and
 * returns the rank r. Rows and columns are swapped in place so that each row of L is contiguous:
 * entry (i, j) is a dot product of rows i and j (left-looking, Crout's order).
 */
async function pivotedCholesky(A: Float64Array, p: number, tol: number, perm: Int32Array, cp: Checkpointer): Promise<number> {
  const d = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    d[i] = A[i * p + i];
    perm[i] = i;
  }
  for (let j = 0; j < p; j++) {
    let piv = j;
    for (let i = j + 1; i < p; i++) if (d[i] > d[piv]) piv = i;
    if (!(d[piv] > tol)) return j;
    if (piv !== j) {
      swapRows(A, p, j, piv);
      for (let k = 0; k < p; k++) {
        const o = k * p;
        const t = A[o + j];
        A[o + j] = A[o + piv];
        A[o + piv] = t;
      }
      const t = d[j];
      d[j] = d[piv];
      d[piv] = t;
      const u = perm[j];
      perm[j] = perm[piv];
      perm[piv] = u;
    }
    const rj = j * p;
    const ljj = Math.sqrt(d[j]);
    A[rj + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      const ri = i * p;
      // Four partial sums: independent additions keep the multiplier busy.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += A[ri + k] * A[rj + k];
        s1 += A[ri + k + 1] * A[rj + k + 1];
        s2 += A[ri + k + 2] * A[rj + k + 2];
        s3 += A[ri + k + 3] * A[rj + k + 3];
      }
      for (; k < j; k++) s0 += A[ri + k] * A[rj + k];
      const l = (A[ri + j] - (s0 + s1 + s2 + s3)) / ljj;
      A[ri + j] = l;
      d[i] -= l * l;
    }
    await cp.maybe();
  }
  return p;
}

function swapRows(A: Float64Array, p: number, a: number, b: number): void {
  const ra = a * p;
  const rb = b * p;
  for (let k = 0; k < p; k++) {
    const t = A[ra + k];
    A[ra + k] = A[rb + k];
    A[rb + k] = t;
  }
}

/** x = (L Lᵀ)⁻¹ b, L the n×n lower triangle of A (row stride `stride`). */
function choleskySolve(L: Float64Array, stride: number, n: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[o + k] * x[k];
    x[i] = s / L[o + i];
  }
  // Lᵀ x = z by columns of Lᵀ (rows of L), so L is read row by row here too.
  for (let i = n - 1; i >= 0; i--) {
    const o = i * stride;
    const xi = (x[i] /= L[o + i]);
    for (let k = 0; k < i; k++) x[k] -= L[o + k] * xi;
  }
  return x;
}

/**
 * The minimum-norm solution of (R Rᵀ) w = b for the rank-r factor R = [L1; L2] in A (L1 r×r lower
 * triangular, L2 (p−r)×r): w = (R Rᵀ)⁺ b.
 *
 * With S = L2·L1⁻¹, R = [I; S]·L1, and the minimum-norm w lies in the range of R:
 * w = [I; S] N⁻¹ (L1 L1ᵀ)⁻¹ N⁻¹ (b1 + Sᵀ b2) with N = I + SᵀS. This is a complete orthogonal
 * decomposition in closed form: no QR pass, and the matrices solved with are L1 L1ᵀ (the
 * well-conditioned part the pivoting kept) and N (eigenvalues ≥ 1).
 */
async function minimumNorm(A: Float64Array, p: number, r: number, b: Float64Array, cp: Checkpointer): Promise<Float64Array> {
  const w = new Float64Array(p);
  if (r === 0) return w;
  const m = p - r;
  // St = Sᵀ (r×m, rows padded to a multiple of 4 for the Gram kernel), from L1ᵀ·St = L2ᵀ.
  const St = new Float64Array(roundUp4(r) * m);
  for (let i = 0; i < m; i++) for (let a = 0; a < r; a++) St[a * m + i] = A[(r + i) * p + a];
  for (let a = r - 1; a >= 0; a--) {
    const ra = a * p;
    const sa = a * m;
    const inv = 1 / A[ra + a];
    for (let i = 0; i < m; i++) St[sa + i] *= inv;
    for (let c = 0; c < a; c++) {
      const f = A[ra + c];
      if (f === 0) continue;
      const sc = c * m;
      for (let i = 0; i < m; i++) St[sc + i] -= f * St[sa + i];
    }
    await cp.maybe();
  }
  const N = new Float64Array(r * r);
  for (let i0 = 0; i0 < m; i0 += PANEL_ROWS) {
    addGramPanel(N, r, St, m, i0, Math.min(m, i0 + PANEL_ROWS));
    await cp.maybe();
  }
  for (let a = 0; a < r; a++) {
    N[a * r + a] += 1;
    for (let c = a + 1; c < r; c++) N[c * r + a] = N[a * r + c];
  }
  const nPerm = new Int32Array(r);
  await pivotedCholesky(N, r, 0, nPerm, cp);
  const solveN = (v: Float64Array): Float64Array => {
    const x = choleskySolve(N, r, r, Float64Array.from(nPerm, (k) => v[k]));
    const out = new Float64Array(r);
    for (let a = 0; a < r; a++) out[nPerm[a]] = x[a];
    return out;
  };
  const t = b.slice(0, r);
  for (let a = 0; a < r; a++) {
    const sa = a * m;
    let s = 0;
    for (let i = 0; i < m; i++) s += St[sa + i] * b[r + i];
    t[a] += s;
  }
  const z = solveN(choleskySolve(A, p, r, solveN(t)));
  w.set(z);
  for (let a = 0; a < r; a++) {
    const sa = a * m;
    const za = z[a];
    for (let i = 0; i < m; i++) w[r + i] += St[sa + i] * za;
  }
  return w;
}
