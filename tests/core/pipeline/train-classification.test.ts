/**
 * The training run on a classification target, driven by a test-only classifier (a nearest
 * centroid with softmax probabilities, registered under the made-up type 'centroid' by mocking
 * the model registry) so that the pipeline is tested apart from any real classifier.
 */
import Papa from 'papaparse';
import { describe, expect, it, vi } from 'vitest';
import type { LoadedBundle } from '../../../src/core/bundle/bundle';
import { decodeReferenceSample } from '../../../src/core/bundle/reference-sample';
import type { Table } from '../../../src/core/data/types';
import { bundleReference, monitorBatch } from '../../../src/core/pipeline/monitor';
import { predictCsv, predictionChunkToCsv, predictRecords } from '../../../src/core/pipeline/predict';
import { predictBatch } from '../../../src/core/pipeline/predicted-batch';
import { parseCsv } from '../../../src/core/data';
import { PipelineError } from '../../../src/core/errors';
import { classificationMetrics } from '../../../src/core/metrics/classification';
import { emptyHistory } from '../../../src/core/models/history';
import type { Classifier, FitOptions, Matrix, ModelType } from '../../../src/core/models/types';
import { runTraining, type TrainingRequest } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';

/** Nearest centroid: p_k ∝ exp(−‖x − c_k‖²). Records the class count and the largest code each fit saw. */
class CentroidClassifier implements Classifier {
  static fits: Array<{ classCount: number | undefined; rows: number }> = [];
  readonly type = 'centroid' as ModelType;
  readonly task = 'classification' as const;
  readonly params = Object.freeze({});
  private centroids: Float64Array | null = null;
  private k = 0;
  private cols = 0;
  get isFitted(): boolean {
    return this.centroids !== null;
  }
  get classCount(): number {
    return this.k;
  }
  async fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this> {
    CentroidClassifier.fits.push({ classCount: options?.classCount, rows: X.rows });
    this.k = options?.classCount ?? Math.max(...y) + 1;
    this.cols = X.cols;
    const sums = new Float64Array(this.k * X.cols);
    const counts = new Float64Array(this.k);
    for (let i = 0; i < X.rows; i++) {
      counts[y[i]]++;
      for (let j = 0; j < X.cols; j++) sums[y[i] * X.cols + j] += X.data[i * X.cols + j];
    }
    this.centroids = sums.map((s, t) => s / Math.max(1, counts[Math.floor(t / X.cols)]));
    return this;
  }
  predictProba(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows * this.k);
    for (let i = 0; i < X.rows; i++) {
      let total = 0;
      for (let c = 0; c < this.k; c++) {
        let d = 0;
        for (let j = 0; j < this.cols; j++) d += (X.data[i * X.cols + j] - this.centroids![c * this.cols + j]) ** 2;
        out[i * this.k + c] = Math.exp(-d);
        total += out[i * this.k + c];
      }
      for (let c = 0; c < this.k; c++) out[i * this.k + c] = total > 0 ? out[i * this.k + c] / total : 1 / this.k;
    }
    return out;
  }
  predict(X: Matrix): Float64Array {
    const p = this.predictProba(X);
    return Float64Array.from({ length: X.rows }, (_, i) => {
      let best = 0;
      for (let c = 1; c < this.k; c++) if (p[i * this.k + c] > p[i * this.k + best]) best = c;
      return best;
    });
  }
  history() {
    return emptyHistory();
  }
  featureImportance(): undefined {
    return undefined;
  }
  toJSON() {
    return { type: this.type, params: {}, state: { classCount: this.k, centroids: this.centroids! } };
  }
}

vi.mock('../../../src/core/models/registry', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/core/models/registry')>();
  const info = { ...real.modelInfo('knn'), type: 'centroid', label: 'Nearest centroid', tasks: ['classification'], seeded: false, tfjs: false };
  return {
    ...real,
    MODEL_TYPES: [...real.MODEL_TYPES, 'centroid'],
    createModel: (type: string, params?: Record<string, unknown>) => (type === 'centroid' ? new CentroidClassifier() : real.createModel(type, params)),
    modelInfo: (type: ModelType) => (type === ('centroid' as ModelType) ? info : real.modelInfo(type)),
    modelLabel: (type: ModelType) => (type === ('centroid' as ModelType) ? info.label : real.modelLabel(type)),
  };
});

const DATASET = { hash: 'c'.repeat(64), name: 'synthetic.csv' };
const CENTROID = { type: 'centroid' as ModelType };

/**
 * n rows of two numeric features and a label: class "b" around (2, 2), "a" around (0, 0) and,
 * with `third`, a rare class "c" (every 25th row) around (−2, 2). Deterministic.
 */
async function synthetic(n: number, third = false) {
  const lines = ['x1,x2,colour,label'];
  let s = 12345;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (let i = 0; i < n; i++) {
    const label = third && i % 25 === 0 ? 'c' : i % 3 === 0 ? 'b' : 'a';
    const [cx, cy] = label === 'b' ? [2, 2] : label === 'c' ? [-2, 2] : [0, 0];
    lines.push(`${(cx + 2 * rand()).toFixed(4)},${(cy + 2 * rand()).toFixed(4)},${i % 2 ? 'red' : 'blue'},${label}`);
  }
  return parseCsv(lines.join('\n'));
}

async function request(n: number, rest: Partial<TrainingRequest> & Pick<TrainingRequest, 'split'>, third = false): Promise<TrainingRequest> {
  const ds = await synthetic(n, third);
  return { table: ds.table, recipe: defaultRecipe(ds.schema, 'label', ds.table), dataset: DATASET, candidates: [CENTROID], ...rest };
}

describe('the training run on a classification target', () => {
  it('splits stratified, passes the class count, scores with classification metrics and keeps the probabilities', async () => {
    CentroidClassifier.fits = [];
    const res = await runTraining(await request(600, { split: { kind: 'holdout', testSize: 0.25, seed: 7 } }));
    expect(res.task).toBe('classification');
    expect(res.classes).toEqual(['a', 'b']);
    expect(res.threshold).toBe(0.5);
    expect(res.rankedBy).toBe('roc_auc');
    // A classifier gets conformal prediction sets where a regressor gets intervals (conformal/sets.ts).
    expect(res.warnings.map((w) => w.code)).toEqual([]);
    expect(res.leaderboard[0].predictionSets).toMatchObject({ score: 'lac', method: 'split', coverage: 0.9 });
    expect(CentroidClassifier.fits.every((f) => f.classCount === 2)).toBe(true);
    const [r] = res.leaderboard;
    expect(r.metrics).toBeUndefined();
    const e = r.evaluation!;
    expect(e.kind).toBe('test');
    expect(e.probabilities).toHaveLength(e.actual.length * 2);
    // Stratified: the test part holds the data's share of "b" (1 row in 3): 50 of 150.
    expect(e.actual.filter((c) => c === 1)).toHaveLength(50);
    expect(classificationMetrics(e.actual, e.probabilities!, 2, { threshold: 0.5 })).toEqual(r.classification);
    expect(r.classification!.rocAuc).toBeGreaterThan(0.85);
    // The bundle carries the classes, the threshold and the classification metrics.
    const b = r.bundle!;
    expect(b).toMatchObject({ task: 'classification', classes: ['a', 'b'], decision: { threshold: 0.5 } });
    expect(b.metrics.classification?.test).toEqual(r.classification);
    expect(b.metrics.test).toBeUndefined();
  });

  it('applies the decision threshold to the metrics that depend on it, not to ROC AUC', async () => {
    const base = await request(600, { split: { kind: 'holdout', testSize: 0.25, seed: 7 }, intervals: false });
    const at = async (threshold: number) => (await runTraining({ ...base, threshold })).leaderboard[0];
    const half = await at(0.5);
    const low = await at(0.05);
    expect(low.classification!.rocAuc).toBe(half.classification!.rocAuc);
    expect(low.classification!.recall).toBeGreaterThanOrEqual(half.classification!.recall);
    expect(low.classification!.precision).toBeLessThan(half.classification!.precision);
    expect(low.evaluation!.predicted.filter((c) => c === 1).length).toBeGreaterThan(half.evaluation!.predicted.filter((c) => c === 1).length);
    expect(low.bundle!.decision).toEqual({ threshold: 0.05 });
    await expect(runTraining({ ...base, threshold: 1.5 })).rejects.toMatchObject({ where: { field: 'threshold' } });
  });

  it('ranks by the metric asked for and says which', async () => {
    const base = await request(300, { split: { kind: 'holdout', testSize: 0.3, seed: 1 }, intervals: false, candidates: [CENTROID, { ...CENTROID, name: 'second' }] });
    const res = await runTraining({ ...base, metric: 'log_loss' });
    expect(res.rankedBy).toBe('log_loss');
    await expect(runTraining({ ...base, metric: 'r2' as never })).rejects.toMatchObject({ where: { field: 'metric' } });
  });

  it('k-fold: stratified folds keep every class, out-of-fold probabilities, rare classes warned', async () => {
    CentroidClassifier.fits = [];
    const res = await runTraining(await request(250, { split: { kind: 'kfold', k: 5, seed: 3 }, intervals: false }, true));
    expect(res.classes).toEqual(['a', 'b', 'c']);
    expect(res.threshold).toBeUndefined();
    expect(res.rankedBy).toBe('roc_auc');
    // 10 rows of "c" over 5 folds: no warning; every fit (5 folds + the refit) knows 3 classes.
    expect(res.warnings).toEqual([]);
    expect(CentroidClassifier.fits.map((f) => f.classCount)).toEqual([3, 3, 3, 3, 3, 3]);
    const r = res.leaderboard[0];
    expect(r.classificationFolds).toHaveLength(5);
    expect(r.evaluation).toMatchObject({ kind: 'out-of-fold', totalRows: 250 });
    expect(r.evaluation!.probabilities).toHaveLength(750);
    expect(Number.isFinite(r.classification!.rocAuc)).toBe(true);
    expect(r.bundle!.decision).toBeUndefined();

    const rare = await runTraining(await request(250, { split: { kind: 'kfold', k: 12, seed: 3 }, intervals: false }, true));
    expect(rare.warnings).toEqual([expect.objectContaining({ code: 'rare-class', column: 'label', rows: 10 })]);
    expect(rare.warnings[0].message).toContain('"c"');
  });

  it('refuses a regression model for a classification target, naming it', async () => {
    const req = await request(100, { split: { kind: 'holdout', testSize: 0.2, seed: 1 }, candidates: [CENTROID, { type: 'ridge' }] });
    const e = await runTraining(req).then(
      () => expect.unreachable('trained a regressor on classes'),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PipelineError);
    expect((e as PipelineError).code).toBe('wrong-task');
    expect((e as PipelineError).where.field).toBe('candidates[1]');
    expect((e as PipelineError).message).toMatch(/Ridge.*"label" is a classification target/);
  });

  it('names the row of a test file label the training rows never show', async () => {
    const ds = await synthetic(100);
    const test = await parseCsv('x1,x2,colour,label\n0,0,red,a\n1,1,blue,zebra\n');
    const e = await runTraining({ ...(await request(100, { split: { kind: 'test-table', table: test.table, seed: 1 } })), table: ds.table }).then(
      () => expect.unreachable('scored an unseen class'),
      (err: unknown) => err as PipelineError,
    );
    expect(e.code).toBe('unseen-class');
    expect(e.where).toMatchObject({ row: 2, column: 'label' });
  });

  it('a numeric target with few whole values is classification under task auto, regression when told', async () => {
    const lines = ['x,y'];
    for (let i = 0; i < 400; i++) lines.push(`${i % 7},${i % 7 > 3 ? 1 : 0}`);
    const ds = await parseCsv(lines.join('\n'));
    const recipe = defaultRecipe(ds.schema, 'y', ds.table);
    const base = { table: ds.table, dataset: DATASET, split: { kind: 'holdout' as const, testSize: 0.25, seed: 2 }, intervals: false as const };
    const cls = await runTraining({ ...base, recipe, candidates: [CENTROID] });
    expect(cls.classes).toEqual(['0', '1']);
    const reg = await runTraining({ ...base, recipe: { ...recipe, task: 'regression' }, candidates: [{ type: 'linear' }] });
    expect(reg.task).toBe('regression');
    expect(reg.rankedBy).toBe('r2');
  });
});

describe("a classifier's predictions", () => {
  /** A loaded bundle of the test-only classifier (built by hand: the real registry cannot rebuild 'centroid'). */
  async function loadedClassifier(threshold?: number): Promise<LoadedBundle> {
    const res = await runTraining(await request(600, { split: { kind: 'holdout', testSize: 0.25, seed: 7 }, intervals: false, ...(threshold !== undefined ? { threshold } : {}) }));
    const r = res.leaderboard[0];
    const b = r.bundle!;
    return { bundle: b, recipe: res.recipe, model: r.model!, referenceSample: decodeReferenceSample(b.referenceSample!, res.recipe.inputSchema().map((c) => c.name)) };
  }

  it('one record: class codes by the threshold and every class probability', async () => {
    const loaded = await loadedClassifier();
    const out = predictRecords(loaded, [
      { x1: 2, x2: 2, colour: 'red' },
      { x1: 0, x2: 0, colour: 'blue' },
      { x1: 'oops', x2: 0, colour: 'blue' },
    ]);
    expect(out.classes).toEqual(['a', 'b']);
    expect(Array.from(out.predictions)).toEqual([1, 0, 0]);
    const p = out.probabilities!;
    expect(p).toHaveLength(6);
    for (let i = 0; i < 3; i++) expect(p[2 * i] + p[2 * i + 1]).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(0.5);
    // A low threshold tips a doubtful row to the positive class.
    const low = await loadedClassifier(0.01);
    const mid = { x1: 0.3, x2: 0.3, colour: 'red' };
    const pm = predictRecords(loaded, [mid]).probabilities!;
    expect(pm[1]).toBeGreaterThan(0.01);
    expect(pm[1]).toBeLessThan(0.5);
    expect(predictRecords(loaded, [mid]).predictions[0]).toBe(0);
    expect(predictRecords(low, [mid]).predictions[0]).toBe(1);
  });

  it('a file: prediction is the class label, then one proba_<class> column per class', async () => {
    const loaded = await loadedClassifier();
    const chunks: string[] = [];
    const csv = 'x1,x2,colour,label\n2,2,red,b\n0,0,blue,a\n,1,red,a\n';
    const summary = await predictCsv(loaded, csv, { onChunk: (c) => void chunks.push(predictionChunkToCsv(c, chunks.length === 0)) });
    const rows = Papa.parse<Record<string, string>>(chunks.join(''), { header: true, skipEmptyLines: true }).data;
    expect(Object.keys(rows[0])).toEqual(['x1', 'x2', 'colour', 'label', 'prediction', 'proba_a', 'proba_b', 'error']);
    expect(rows.map((r) => r.prediction)).toEqual(['b', 'a', expect.stringMatching(/^[ab]$/)]);
    expect(Number(rows[0].proba_a) + Number(rows[0].proba_b)).toBeCloseTo(1, 12);
    expect(summary).toMatchObject({ rows: 3, predicted: 3, threshold: 0.5, outOfRange: 0 });
    expect(summary.classCounts!.a + summary.classCounts!.b).toBe(3);
    expect(summary.targetRange).toBeUndefined();
  });

  it('monitoring: the predicted class drifts as a categorical column, without a crash on labelled batches', async () => {
    const loaded = await loadedClassifier();
    const same = (await synthetic(300)).table;
    const lines = ['x1,x2,colour,label'];
    for (let i = 0; i < 300; i++) lines.push(`${2 + (i % 10) / 10},${2 - (i % 7) / 10},red,b`);
    const shifted = lines.join('\n');
    const { batch: steady } = await predictBatch(loaded, tableCsv(same));
    const { batch: moved } = await predictBatch(loaded, shifted);
    const reference = bundleReference(loaded);
    const a = monitorBatch(loaded, reference, steady);
    const b = monitorBatch(loaded, reference, moved);
    expect(a.prediction.kind).toBe('categorical');
    expect(a.prediction.drift).toBe(false);
    expect(b.prediction.drift).toBe(true);
    expect(b.prediction.levels!.map((l) => l.level)).toEqual(["a", "b"]);
    expect(b.performance).toBeUndefined();
  });
});

/** A table of numbers and labels back to CSV text. */
function tableCsv(t: Table): string {
  const rows = Array.from({ length: t.rowCount }, (_, i) => t.columns.map((c) => (c.type === 'numeric' ? String(c.values[i]) : c.codes[i] < 0 ? '' : c.levels[c.codes[i]])));
  return Papa.unparse([t.columns.map((c) => c.name), ...rows], { newline: '\n' });
}
