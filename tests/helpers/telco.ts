/**
 * ../shared/data/telco-churn.csv and its reference split (../shared/reference/telco-test-ids.txt:
 * the customerIDs of scikit-learn's stratified 80/20 test part, seed 42), read with papaparse only
 * so that tests of the split and of the models do not depend on Loupe's CSV code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import type { Matrix } from '../../src/core/models/types';
import { ROOT } from './gemstone';

export const TELCO_CSV = resolve(ROOT, '../shared/data/telco-churn.csv');
export const TELCO_TEST_IDS = resolve(ROOT, '../shared/reference/telco-test-ids.txt');
export const SKLEARN_LOGISTIC_TELCO = resolve(ROOT, '../shared/reference/sklearn-logistic-telco.json');

export const haveTelco = existsSync(TELCO_CSV) && existsSync(TELCO_TEST_IDS) && existsSync(SKLEARN_LOGISTIC_TELCO);
export const TELCO_SKIP_MESSAGE = `skipped: ${TELCO_CSV} or its reference split is absent`;

/** The file's rows as strings, in file order. */
export function loadTelcoRecords(): Array<Record<string, string>> {
  return Papa.parse<Record<string, string>>(readFileSync(TELCO_CSV, 'utf8').trim(), { header: true }).data;
}

/** The customerIDs of the reference test rows. */
export function loadTelcoTestIds(): Set<string> {
  return new Set(readFileSync(TELCO_TEST_IDS, 'utf8').split(/\s+/).filter(Boolean));
}

/** ../shared/reference/sklearn-logistic-telco.json: scikit-learn's L2 logistic regression on the reference split. */
export interface SklearnLogisticTelco {
  description: string;
  featureNames: string[];
  coef: number[];
  intercept: number;
  numericMedians: number[];
  numericMeans: number[];
  numericScales: number[];
  test: { rows: number; rocAuc: number; logLoss: number; accuracy: number; firstTenProbabilities: number[] };
}

export function loadSklearnLogisticTelco(): SklearnLogisticTelco {
  return JSON.parse(readFileSync(SKLEARN_LOGISTIC_TELCO, 'utf8')) as SklearnLogisticTelco;
}

export const TELCO_NUMERIC = ['tenure', 'MonthlyCharges', 'TotalCharges'] as const;

export interface TelcoSplit {
  /** `num__<column>` then `cat__<column>_<level>`, as scikit-learn's ColumnTransformer names them. */
  features: string[];
  train: Matrix;
  test: Matrix;
  /** The target's levels sorted as strings (Churn: No, Yes); y holds their codes. */
  classes: string[];
  yTrain: Float64Array;
  yTest: Float64Array;
  /** customerIDs of the test rows, in file order. */
  testIds: string[];
}

/**
 * The oracle's preprocessing, written out here (not Loupe's recipe): on the training rows, the
 * numeric columns (TotalCharges blanks missing) median-imputed then standardized with the
 * population std; every other column but customerID and the target (Churn, or another category
 * such as Contract for a multiclass problem) one-hot over its levels sorted as strings (no column
 * has a missing value). Rows in file order.
 */
export function loadTelcoSplit(target = 'Churn'): TelcoSplit {
  const records = loadTelcoRecords();
  const ids = loadTelcoTestIds();
  const isTest = records.map((r) => ids.has(r.customerID));
  const trainRows = records.filter((_, i) => !isTest[i]);
  const categorical = Object.keys(records[0]).filter((c) => c !== 'customerID' && c !== target && !(TELCO_NUMERIC as readonly string[]).includes(c));
  const numberOf = (v: string): number => (v.trim() === '' ? NaN : Number(v));
  const stats = TELCO_NUMERIC.map((c) => {
    const v = trainRows.map((r) => numberOf(r[c])).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    const median = v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    const filled = trainRows.map((r) => {
      const x = numberOf(r[c]);
      return Number.isNaN(x) ? median : x;
    });
    const mean = filled.reduce((a, b) => a + b, 0) / filled.length;
    const scale = Math.sqrt(filled.reduce((a, b) => a + (b - mean) ** 2, 0) / filled.length);
    return { median, mean, scale };
  });
  // Code-unit order, as numpy sorts strings.
  const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const classes = [...new Set(records.map((r) => r[target]))].sort(byCodeUnits);
  const levels = categorical.map((c) => [...new Set(trainRows.map((r) => r[c]))].sort(byCodeUnits));
  const features = [...TELCO_NUMERIC.map((c) => `num__${c}`), ...categorical.flatMap((c, j) => levels[j].map((l) => `cat__${c}_${l}`))];
  const toMatrix = (rows: Array<Record<string, string>>): Matrix => {
    const p = features.length;
    const data = new Float64Array(rows.length * p);
    rows.forEach((r, i) => {
      let j = 0;
      TELCO_NUMERIC.forEach((c, t) => {
        const x = numberOf(r[c]);
        data[i * p + j++] = ((Number.isNaN(x) ? stats[t].median : x) - stats[t].mean) / stats[t].scale;
      });
      categorical.forEach((c, t) => {
        for (const l of levels[t]) data[i * p + j++] = r[c] === l ? 1 : 0;
      });
    });
    return { data, rows: rows.length, cols: p, features: features.map((name) => ({ name })) };
  };
  const testRows = records.filter((_, i) => isTest[i]);
  const codes = (rows: Array<Record<string, string>>): Float64Array => Float64Array.from(rows, (r) => classes.indexOf(r[target]));
  return {
    features,
    train: toMatrix(trainRows),
    test: toMatrix(testRows),
    classes,
    yTrain: codes(trainRows),
    yTest: codes(testRows),
    testIds: testRows.map((r) => r.customerID),
  };
}
