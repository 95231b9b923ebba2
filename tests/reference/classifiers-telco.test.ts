/**
 * The classifiers on the reference split of ../shared/data/telco-churn.csv (5,634 training rows,
 * 1,409 test rows, positive class Churn = Yes), default params, against the targets
 * (issue 11) and scikit-learn's figures in ../shared/reference/peers.md. The matrices are built
 * by tests/helpers/telco.ts with the oracle's preprocessing (checked here against
 * sklearn-logistic-telco.json), so scikit-learn's numbers and ours see the same features.
 * Seeded models are scored by the mean over a few seeds. Accuracy only; timings live in
 * bench/cls-telco.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModel, modelInfo } from '../../src/core/models/registry';
import { initTf } from '../../src/core/tf';
import { isClassifier, type ModelType } from '../../src/core/models/types';
import { logLoss, rocAuc } from '../../src/core/metrics/classification';
import { haveTelco, loadTelcoSplit, SKLEARN_LOGISTIC_TELCO, TELCO_SKIP_MESSAGE } from '../helpers/telco';

interface Target {
  /** Mean test ROC AUC at least this. */
  rocAuc?: number;
  /** Mean test log loss at most this. */
  logLoss?: number;
  /** Mean test ROC AUC within this of scikit-learn's (tests/reference/sklearn-telco-classifiers.json, mean over its seeds 0–4). */
  sklearnWithin?: number;
  seeds: number[];
  /** Where the target comes from. */
  why: string;
}

const TARGETS: Partial<Record<ModelType, Target>> = {
  'gbdt-classifier': { rocAuc: 0.84, logLoss: 0.425, seeds: [0], why: 'issue 11: ≥ 0.840 (HistGradientBoosting 0.8345, log loss 0.4352); deterministic with defaults (no sampling, no early stopping under 10,000 rows)' },
  'forest-classifier': { rocAuc: 0.825, seeds: [0, 1], why: 'issue 11: ≥ 0.825 (scikit-learn RandomForest 0.8197, log loss 0.5621)' },
  'knn-classifier': { sklearnWithin: 0.01, seeds: [0], why: "issue 11: as scikit-learn's KNeighborsClassifier(5) within 0.01 (0.7873 on one thread; ties between equidistant one-hot rows can order differently with more)" },
  'tree-classifier': { sklearnWithin: 0.01, seeds: [0, 1, 2, 3, 4], why: "issue 11: as scikit-learn's DecisionTreeClassifier within 0.01 (its seed picks among tied splits, so both are means over seeds)" },
  'mlp-classifier': { rocAuc: 0.835, logLoss: 0.4269, seeds: [0, 1, 2], why: 'issue 11: ≥ 0.835 (scikit-learn MLPClassifier (64, 64) with early stopping 0.8370, log loss 0.4269 in peers.md; 0.8385 and 0.4256 over its seeds 0–4 in sklearn-telco-classifiers.json)' },
};

const SKLEARN = JSON.parse(readFileSync(resolve(import.meta.dirname, 'sklearn-telco-classifiers.json'), 'utf8')) as { models: Record<string, { rocAuc: number; logLoss: number }> };

describe.skipIf(!haveTelco)(`classifiers on telco-churn ${haveTelco ? '' : TELCO_SKIP_MESSAGE}`, () => {
  it("builds the oracle's features: names, medians, means and scales of sklearn-logistic-telco.json", () => {
    const ref = JSON.parse(readFileSync(SKLEARN_LOGISTIC_TELCO, 'utf8')) as { featureNames: string[]; numericMeans: number[]; numericScales: number[] };
    const s = loadTelcoSplit();
    expect(s.features).toEqual(ref.featureNames);
    expect(s.train.rows).toBe(5634);
    expect(s.test.rows).toBe(1409);
    // Standardized with the oracle's statistics: the training column means are 0 and its std 1.
    for (let j = 0; j < 3; j++) {
      let m = 0;
      for (let i = 0; i < s.train.rows; i++) m += s.train.data[i * s.train.cols + j];
      expect(Math.abs(m / s.train.rows)).toBeLessThan(1e-12);
    }
    expect(s.yTrain.reduce((a, b) => a + b, 0) / s.train.rows).toBeCloseTo(0.2654, 3);
  });

  it.each(Object.entries(TARGETS) as [ModelType, Target][])('%s: mean ROC AUC and log loss meet the target', async (type, t) => {
    const s = loadTelcoSplit();
    if (modelInfo(type).tfjs) await initTf();
    const aucs: number[] = [];
    const losses: number[] = [];
    for (const seed of t.seeds) {
      const m = await createModel(type, modelInfo(type).seeded ? { seed } : {}).fit(s.train, s.yTrain, { classCount: 2 });
      if (!isClassifier(m)) throw new Error(`${type} is not a classifier`);
      const proba = m.predictProba(s.test);
      aucs.push(rocAuc(s.yTest, proba, 2));
      losses.push(logLoss(s.yTest, proba, 2));
    }
    const auc = aucs.reduce((a, b) => a + b) / aucs.length;
    const ll = losses.reduce((a, b) => a + b) / losses.length;
    const sk = SKLEARN.models[type];
    console.log(`telco ${type}: ROC AUC ${auc.toFixed(4)}, log loss ${ll.toFixed(4)} over seeds ${t.seeds.join(', ')}; scikit-learn ${sk.rocAuc.toFixed(4)}, ${sk.logLoss.toFixed(4)}`);
    if (t.rocAuc !== undefined) expect(auc, t.why).toBeGreaterThanOrEqual(t.rocAuc);
    if (t.logLoss !== undefined) expect(ll, t.why).toBeLessThanOrEqual(t.logLoss);
    if (t.sklearnWithin !== undefined) expect(Math.abs(auc - sk.rocAuc), t.why).toBeLessThanOrEqual(t.sklearnWithin);
  });
});
