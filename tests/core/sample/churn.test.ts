/**
 * The synthetic churn sample: deterministic, the columns and levels it promises, about a quarter
 * churning, and the logistic structure it documents — a logistic regression fitted on its
 * one-hot design recovers the true probabilities (churnProbability), and the parsed CSV is read by
 * Loupe as a classification of Churn.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/core/data';
import { inferTask } from '../../../src/core/data/task';
import { proposeTarget } from '../../../src/core/data/target';
import { rocAuc } from '../../../src/core/metrics/classification';
import { LogisticRegression } from '../../../src/core/models/linear/logistic';
import { CHURN_SAMPLE_COLUMNS, CHURN_SAMPLE_LEVELS, churnProbability, drawChurnSample, generateSampleChurn, type ChurnSampleCustomer } from '../../../src/core/sample';

function rowsOf(csv: string): string[][] {
  return csv.trimEnd().split('\n').map((l) => l.split(','));
}

/** The design the logit is linear in: tenure, charges − 65, senior, then one-hot levels after the first. */
function design(customers: ChurnSampleCustomer[]): { data: Float64Array; rows: number; cols: number } {
  const cols = 3 + 2 + 2 + 3;
  const data = new Float64Array(customers.length * cols);
  customers.forEach((c, i) => {
    const r = data.subarray(i * cols, (i + 1) * cols);
    r[0] = c.tenure / 10;
    r[1] = (c.monthlyCharges - 65) / 10;
    r[2] = c.senior;
    if (c.contract > 0) r[2 + c.contract] = 1;
    if (c.internet > 0) r[4 + c.internet] = 1;
    if (c.payment > 0) r[6 + c.payment] = 1;
  });
  return { data, rows: customers.length, cols };
}

describe('generateSampleChurn', () => {
  it('is deterministic in (rows, seed), differs across seeds, and a prefix of a longer sample is the shorter one', () => {
    expect(generateSampleChurn(300, 7)).toBe(generateSampleChurn(300, 7));
    expect(generateSampleChurn(300, 7)).not.toBe(generateSampleChurn(300, 8));
    expect(generateSampleChurn(500, 3).startsWith(generateSampleChurn(100, 3))).toBe(true);
    expect(() => generateSampleChurn(0)).toThrow(RangeError);
  });

  it('has its columns, unique ids, every level, Yes/No churn for about a quarter, and blank TotalCharges only for new customers', () => {
    const [header, ...rows] = rowsOf(generateSampleChurn());
    expect(header).toEqual([...CHURN_SAMPLE_COLUMNS]);
    expect(rows).toHaveLength(5000);
    expect(new Set(rows.map((r) => r[0])).size).toBe(5000);
    for (const [i, name] of [[3, 'Contract'], [4, 'InternetService'], [5, 'PaymentMethod']] as const)
      expect(new Set(rows.map((r) => r[i]))).toEqual(new Set(CHURN_SAMPLE_LEVELS[name].levels));
    expect(new Set(rows.map((r) => r[8]))).toEqual(new Set(['No', 'Yes']));
    const rate = rows.filter((r) => r[8] === 'Yes').length / rows.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.33);
    for (const r of rows) expect(r[7] === '').toBe(r[2] === '0');
  });

  it('churns more on month-to-month contracts and short tenure, as its effects say', () => {
    const { customers, churn } = drawChurnSample(20_000, 2);
    const rate = (keep: (c: ChurnSampleCustomer) => boolean): number => {
      const idx = customers.map((c, i) => (keep(c) ? i : -1)).filter((i) => i >= 0);
      return idx.filter((i) => churn[i]).length / idx.length;
    };
    expect(rate((c) => c.contract === 0)).toBeGreaterThan(2 * rate((c) => c.contract === 2));
    expect(rate((c) => c.tenure <= 12)).toBeGreaterThan(rate((c) => c.tenure >= 48));
  });

  it('has the logistic structure it documents: a logistic regression recovers the true probabilities', async () => {
    const train = drawChurnSample(20_000, 11);
    const test = drawChurnSample(5_000, 12);
    const model = await new LogisticRegression({ penalty: 'none' }).fit(design(train.customers), Float64Array.from(train.churn, Number));
    const proba = model.predictProba(design(test.customers));
    let worst = 0;
    let sum = 0;
    test.probability.forEach((p, i) => {
      const d = Math.abs(proba[2 * i + 1] - p);
      sum += d;
      worst = Math.max(worst, d);
    });
    // 20,000 rows estimate 10 coefficients to a few hundredths: probabilities agree to about 0.01.
    expect(sum / test.probability.length).toBeLessThan(0.015);
    expect(worst).toBeLessThan(0.08);
    // No model can beat the true probabilities' ROC AUC; the fitted one comes within a hair of it.
    const y = Float64Array.from(test.churn, Number);
    const truth = Float64Array.from(test.probability.flatMap((p) => [1 - p, p]));
    const bayes = rocAuc(y, truth, 2);
    expect(bayes).toBeGreaterThan(0.8);
    expect(rocAuc(y, proba, 2)).toBeGreaterThan(bayes - 0.005);
    expect(churnProbability(test.customers[0])).toBe(test.probability[0]);
  });

  it('is read by Loupe as a classification of Churn', async () => {
    const ds = await parseCsv(generateSampleChurn(2000, 1));
    const proposal = proposeTarget(ds.schema);
    expect(proposal?.column).toBe('Churn');
    const task = inferTask(ds.table.columns.find((c) => c.name === 'Churn')!);
    expect(task.task).toBe('classification');
  });
});
