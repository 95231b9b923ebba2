/**
 * The MLP classifier on a three-class real target: telco-churn's `Contract` (Month-to-month, One
 * year, Two year) on the reference split, features as tests/helpers/telco.ts prepares them
 * (Churn one-hot among them), default params, against scikit-learn's MLPClassifier((64, 64),
 * early_stopping=True) on the same matrix (sklearn-mlp-telco-contract.json, mean over its seeds
 * 0–4; made by scripts/sklearn_mlp_telco_contract.py). The binary Churn target is held to issue
 * 11's figure in classifiers-telco.test.ts. Accuracy only; timings live in bench/cls-telco.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracy, logLoss, rocAuc } from '../../src/core/metrics/classification';
import { MlpClassifier } from '../../src/core/models/mlp';
import { initTf } from '../../src/core/tf';
import { haveTelco, loadTelcoSplit, TELCO_SKIP_MESSAGE } from '../helpers/telco';

const SKLEARN = JSON.parse(readFileSync(resolve(import.meta.dirname, 'sklearn-mlp-telco-contract.json'), 'utf8')) as {
  classes: string[];
  features: number;
  rocAuc: number;
  logLoss: number;
  accuracy: number;
};

describe.skipIf(!haveTelco)(`MLP classifier on telco-churn's Contract (3 classes) ${haveTelco ? '' : TELCO_SKIP_MESSAGE}`, () => {
  it("scores as scikit-learn's MLPClassifier: ROC AUC (one-vs-rest) within 0.01 or above, log loss within 0.02 or below", async () => {
    await initTf();
    const s = loadTelcoSplit('Contract');
    expect(s.classes).toEqual(SKLEARN.classes);
    expect(s.features.length).toBe(SKLEARN.features);
    const seeds = [0, 1, 2];
    let auc = 0;
    let ll = 0;
    let acc = 0;
    for (const seed of seeds) {
      const m = await new MlpClassifier({ seed }).fit(s.train, s.yTrain, { classCount: 3 });
      const proba = m.predictProba(s.test);
      auc += rocAuc(s.yTest, proba, 3) / seeds.length;
      ll += logLoss(s.yTest, proba, 3) / seeds.length;
      acc += accuracy(s.yTest, m.predict(s.test)) / seeds.length;
    }
    console.log(
      `telco Contract mlp-classifier: ROC AUC ${auc.toFixed(4)}, log loss ${ll.toFixed(4)}, accuracy ${acc.toFixed(4)} over seeds 0–2; scikit-learn ${SKLEARN.rocAuc.toFixed(4)}, ${SKLEARN.logLoss.toFixed(4)}, ${SKLEARN.accuracy.toFixed(4)}`,
    );
    expect(auc).toBeGreaterThanOrEqual(SKLEARN.rocAuc - 0.01);
    expect(ll).toBeLessThanOrEqual(SKLEARN.logLoss + 0.02);
  });
});
