/**
 * Logistic regression (scikit-learn's LogisticRegression): for two classes one coefficient vector
 * giving the log-odds of class 1; for more, the multinomial (softmax) model with one vector per
 * class. It minimises C·Σ sᵢ·log loss + penalty (logistic-loss.ts) — by Newton's method for l2
 * and no penalty (newton-cg.ts); for l1 and elasticnet by proximal Newton (proximal-newton.ts)
 * while the explicit Hessian is affordable, else by accelerated proximal gradient
 * (proximal-gradient.ts) —
 * so its coefficients are sklearn's minimiser's (lbfgs for l2, saga for l1/elasticnet) up to the
 * tolerance.
 *
 * A class of 0..K−1 with no training row (a fold without it, FitOptions.classCount) takes no part
 * in the fit and gets probability 0: the model is fitted over the classes present, as sklearn
 * would be given that y, and its probabilities are spread over the K columns.
 */
import { throwIfAborted } from '../../abort';
import { InvalidInputError } from '../../errors';
import { classWeights } from '../class-weight';
import { classCountOf, classCounts, ClassifierEstimator, type ClassifierState } from '../classifier';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { columnMeans } from './linear-base';
import { expit, rowLength, type LogisticProblem } from './logistic-loss';
import { newtonCg } from './newton-cg';
import type { LogisticOptions } from './params';
import { proximalGradient } from './proximal-gradient';
import { proximalNewton } from './proximal-newton';

/**
 * Most multiply-adds to form the Hessian once per proximal-Newton step (l1, elasticnet); a few
 * steps of it fit in a second or two. Larger problems take the proximal-gradient solver.
 */
const EXPLICIT_HESSIAN_BUDGET = 1e8;

/**
 * Forming the Hessian costs m²·Σᵢ nnzᵢ²/2 multiply-adds (nnzᵢ: row i's nonzero features, + 1 for
 * the intercept); a Hessian-vector product 2·n·d·m, and conjugate gradients take some 25 of them
 * per Newton step. The exact step is taken when forming H costs under a quarter of that: sparse
 * one-hot rows with two classes (telco: 3.3× faster than CG, whose steps crawl along its
 * near-collinear columns); dense rows or several classes go by CG (a dense 50,000 × 60 fit: 8×
 * faster than forming H).
 */
function hessianCost(X: Matrix, m: number, fitIntercept: boolean): number {
  let sum = 0;
  for (let i = 0; i < X.rows; i++) {
    let nnz = fitIntercept ? 1 : 0;
    for (let j = 0; j < X.cols; j++) if (X.data[i * X.cols + j] !== 0) nnz++;
    sum += nnz * nnz;
  }
  return (m * m * sum) / 2;
}

export interface LogisticState extends ClassifierState {
  /** The class codes the model was fitted on, ascending (all of 0..K−1 unless a class had no row). */
  classes: Int32Array;
  /** One row of p coefficients for two classes (log-odds of classes[1]), else one per class in `classes`. */
  coef: Float64Array;
  /** One per row of coef. */
  intercept: Float64Array;
  nIter: number;
  converged: boolean;
  /**
   * Training mean of each feature: explanations measure each coefficient's contribution from it
   * (coef × (x − mean)). Bundles written before it was kept lack it and cannot be explained.
   */
  xMean?: Float64Array;
}

export class LogisticRegression extends ClassifierEstimator<LogisticOptions, LogisticState> {
  readonly type = 'logistic' as const;

  constructor(options: Partial<LogisticOptions> = {}) {
    super('logistic', options);
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X, y);
    throwIfAborted(options.signal);
    const k = classCountOf(y, options);
    const counts = classCounts(y, k);
    const classes = Int32Array.from({ length: k }, (_, c) => c).filter((c) => counts[c] > 0);
    if (classes.length < 2)
      throw new InvalidInputError('one-class', 'Every training row has the same class: a classifier needs at least two classes to learn from.', { field: 'y' });
    const index = new Int32Array(k).fill(-1);
    classes.forEach((c, i) => (index[c] = i));
    const m = classes.length === 2 ? 1 : classes.length;
    const n = X.rows;
    const { penalty, C, classWeight, fitIntercept, maxIter, tol } = this.params;
    const weight = classWeights(y, k, classWeight) ?? new Float64Array(n).fill(1);
    let total = 0;
    for (let i = 0; i < n; i++) total += weight[i];
    for (let i = 0; i < n; i++) weight[i] /= total;
    const rho = penalty === 'l1' ? 1 : penalty === 'elasticnet' ? this.params.l1Ratio : 0;
    const strength = penalty === 'none' ? 0 : 1 / (C * total);
    const pr: LogisticProblem = {
      X,
      y: Int32Array.from(y, (c) => index[c]),
      weight,
      m,
      fitIntercept,
      l2: (1 - rho) * strength,
    };
    const d = rowLength(pr);
    const solverOptions = {
      maxIter,
      tol,
      signal: options.signal,
      onIteration: (it: number) => options.onProgress?.({ fraction: Math.min(0.99, it / maxIter) }),
    };
    const W0 = new Float64Array(m * d);
    const formH = hessianCost(X, m, fitIntercept);
    const r =
      rho === 0
        ? await newtonCg(pr, W0, { ...solverOptions, explicitHessian: formH < (25 * 2 * n * d * m) / 4 })
        : formH <= EXPLICIT_HESSIAN_BUDGET
          ? await proximalNewton(pr, rho * strength, W0, solverOptions)
          : await proximalGradient(pr, rho * strength, W0, solverOptions);
    throwIfAborted(options.signal);
    const p = X.cols;
    const coef = new Float64Array(m * p);
    const intercept = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      coef.set(r.W.subarray(c * d, c * d + p), c * p);
      intercept[c] = fitIntercept ? r.W[c * d + p] : 0;
    }
    // Softmax intercepts are defined up to a common constant (unpenalised): keep them summing to 0.
    if (m > 1) {
      const mean = intercept.reduce((a, b) => a + b, 0) / m;
      for (let c = 0; c < m; c++) intercept[c] -= mean;
    }
    this.setFitted({ classCount: k, classes, coef, intercept, nIter: r.nIter, converged: r.converged, xMean: columnMeans(X) });
    options.onProgress?.({ fraction: 1 });
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    const s = this.fitted;
    const p = s.coef.length / s.intercept.length;
    checkPredictInput(X, p);
    const k = s.classCount;
    const m = s.intercept.length;
    const out = new Float64Array(X.rows * k);
    const z = new Float64Array(m);
    for (let i = 0; i < X.rows; i++) {
      const o = i * p;
      for (let c = 0; c < m; c++) {
        let v = s.intercept[c];
        for (let j = 0; j < p; j++) v += X.data[o + j] * s.coef[c * p + j];
        z[c] = v;
      }
      if (m === 1) {
        // As sklearn: p₁ = expit(z), p₀ = 1 − p₁.
        const p1 = expit(z[0]);
        out[i * k + s.classes[0]] = 1 - p1;
        out[i * k + s.classes[1]] = p1;
        continue;
      }
      let max = -Infinity;
      for (let c = 0; c < m; c++) max = Math.max(max, z[c]);
      let sum = 0;
      for (let c = 0; c < m; c++) sum += z[c] = Math.exp(z[c] - max);
      for (let c = 0; c < m; c++) out[i * k + s.classes[c]] = z[c] / sum;
    }
    return out;
  }

  /** Coefficients (a copy): one row of p for two classes, else one row per fitted class. */
  get coef(): Float64Array {
    return this.fitted.coef.slice();
  }

  get intercept(): Float64Array {
    return this.fitted.intercept.slice();
  }

  /** The class codes the model was fitted on, ascending (a copy): coef's rows are theirs (for two, the second's log-odds). */
  get fittedClasses(): Int32Array {
    return this.fitted.classes.slice();
  }

  /** Training mean of each feature (a copy), or undefined for a model restored from an older bundle. */
  get trainingMean(): Float64Array | undefined {
    return this.fitted.xMean?.slice();
  }

  /** Solver iterations of the last fit, and whether it met the tolerance within maxIter. */
  get nIter(): number {
    return this.fitted.nIter;
  }

  get converged(): boolean {
    return this.fitted.converged;
  }

  /** Mean |coefficient| over the class rows, per feature (comparable when features are standardized). */
  override featureImportance(): Float64Array {
    const s = this.fitted;
    const m = s.intercept.length;
    const p = s.coef.length / m;
    const out = new Float64Array(p);
    for (let c = 0; c < m; c++) for (let j = 0; j < p; j++) out[j] += Math.abs(s.coef[c * p + j]) / m;
    return out;
  }

  protected writeState(s: LogisticState): StateRecord {
    const out: StateRecord = {
      classCount: s.classCount,
      classes: s.classes.slice(),
      coef: s.coef.slice(),
      intercept: s.intercept.slice(),
      nIter: s.nIter,
      converged: s.converged,
    };
    if (s.xMean) out.xMean = s.xMean.slice();
    return out;
  }

  protected readState(r: StateReader): LogisticState {
    const classCount = r.number('classCount', { integer: true, min: 2 });
    const classes = r.typed('classes', Int32Array).slice();
    if (classes.length < 2) r.fail('classes', 'must name at least two classes.');
    for (let i = 0; i < classes.length; i++)
      if (!(classes[i] >= 0 && classes[i] < classCount && (i === 0 || classes[i] > classes[i - 1])))
        r.fail(`classes[${i}]`, `must be ascending class codes in 0..${classCount - 1}.`);
    const m = classes.length === 2 ? 1 : classes.length;
    const intercept = r.typed('intercept', Float64Array, { length: m }).slice();
    const coef = r.typed('coef', Float64Array).slice();
    if (coef.length === 0 || coef.length % m !== 0) r.fail('coef', `must hold ${m} rows of coefficients; got ${coef.length} values.`);
    const s: LogisticState = { classCount, classes, coef, intercept, nIter: r.number('nIter', { integer: true, min: 0 }), converged: r.boolean('converged') };
    if (r.has('xMean')) s.xMean = r.typed('xMean', Float64Array, { length: coef.length / m }).slice();
    return s;
  }
}
