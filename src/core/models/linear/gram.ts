/**
 * Centered normal equations for the linear family: G = XcᵀXc, q = Xcᵀyc, with Xc, yc the data
 * minus their training means (when fitting an intercept), accumulated over blocks of rows with a
 * progress report and a cancellation checkpoint between blocks.
 *
 * Why float64 in JavaScript and not tfjs: tfjs has no float64, and the oracle asks for
 * coefficients within 1e-4 relative of scikit-learn's float64 fit. Measured on the gemstone split
 * (52,428 × 9, standardized, Node 20, wasm SIMD): a float32 Gram from tf.matMul over 4,096-row
 * blocks, summed in f64, has entries off by up to 2e-7 (relative to √(G_jj·G_kk)); carat, x, y
 * and z are so collinear (cond(G) ≈ 5.6e3) that Ridge(1) solved on it misses scikit-learn's
 * coefficients by 1.3e-3 relative. f64 iterative refinement could repair OLS/Ridge, but
 * Lasso/ElasticNet must follow scikit-learn's exact coordinate-descent path (its duality-gap test
 * decides where it stops), which needs an exact Gram. And this loop (n·p(p+1)/2 multiply-adds) took
 * 19 ms against 139 ms for the f32 route with its f64→f32 copies and uploads. Result: every
 * coefficient within 2e-9 relative of scikit-learn. tfjs does the dense math where float32 is
 * enough: the k-NN distance matrix and the MLP.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
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
  blockRows?: number;
}

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
  const c = new Float64Array(p);
  const block = Math.max(1, opts.blockRows ?? 4096);
  const cp = new Checkpointer(opts.signal);
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    for (let i = start; i < end; i++) {
      const o = i * p;
      for (let j = 0; j < p; j++) c[j] = data[o + j] - xMean[j];
      const yc = y[i] - yMean;
      yy += yc * yc;
      for (let j = 0; j < p; j++) {
        const cj = c[j];
        if (cj === 0) continue;
        q[j] += cj * yc;
        const r = j * p;
        for (let k = j; k < p; k++) G[r + k] += cj * c[k];
      }
    }
    opts.onBlock?.(end / n);
    await cp.maybe();
  }
  throwIfAborted(opts.signal);
  for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) G[k * p + j] = G[j * p + k];
  return { G, q, yy, xMean, yMean };
}

/**
 * Symmetric eigendecomposition by cyclic Jacobi rotations (accurate to ~eps·‖A‖ for every
 * eigenvalue, which is what a rank cut-off needs). Returns eigenvalues and V (column k of the
 * row-major p×p V is the k-th eigenvector).
 */
export function symmetricEigen(A: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = A.slice();
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
        const aii = a[i * p + i];
        const ajj = a[j * p + j];
        const theta = (ajj - aii) / (2 * aij);
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
  const values = new Float64Array(p);
  for (let i = 0; i < p; i++) values[i] = a[i * p + i];
  return { values, vectors: v };
}

/**
 * w = (G + αI)⁺ q through the eigendecomposition. Eigenvalues of G + αI at or below
 * λmax·rcond count as zero, which gives the minimum-norm least-squares solution that
 * scikit-learn's lstsq returns for collinear features. rcond = max(n, p)·eps mirrors lstsq's
 * default cut-off, applied to the Gram (whose own rounding is ~n·eps·λmax).
 */
export function solveNormal(G: Float64Array, q: Float64Array, p: number, alpha: number, rcond: number): Float64Array {
  const { values, vectors } = symmetricEigen(G, p);
  let lmax = 0;
  for (const l of values) lmax = Math.max(lmax, l + alpha);
  const cut = lmax * rcond;
  const w = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    const l = values[k] + alpha;
    if (!(l > cut)) continue;
    let vq = 0;
    for (let i = 0; i < p; i++) vq += vectors[i * p + k] * q[i];
    const s = vq / l;
    for (let i = 0; i < p; i++) w[i] += s * vectors[i * p + k];
  }
  return w;
}
