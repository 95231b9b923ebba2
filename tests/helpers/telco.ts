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

/**
 * The reference split as model matrices, with the preprocessing of ../shared/reference/peers.md
 * and sklearn-logistic-telco.json: TotalCharges blanks → missing; tenure, MonthlyCharges,
 * TotalCharges median-imputed and standardized (population std, training statistics); every
 * other column but customerID and Churn one-hot, levels sorted as strings (SeniorCitizen as a
 * category). y: Churn as class codes, No = 0, Yes = 1 (scikit-learn's LabelEncoder order).
 * tests/reference/scripts/telco_split.py builds the same matrices for the scikit-learn scripts.
 */
const NUMERIC = ['tenure', 'MonthlyCharges', 'TotalCharges'] as const;

export interface TelcoSplit {
  /** scikit-learn's names: num__tenure…, cat__gender_Female… */
  featureNames: string[];
  train: Matrix;
  test: Matrix;
  yTrain: Float64Array;
  yTest: Float64Array;
  testIds: string[];
}

let cached: TelcoSplit | undefined;

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function loadTelcoSplit(): TelcoSplit {
  if (cached) return cached;
  const records = loadTelcoRecords();
  const header = Object.keys(records[0]);
  const rows = records.map((r) => header.map((h) => r[h]));
  const testSet = loadTelcoTestIds();
  const col = (name: string): number => header.indexOf(name);
  const isTest = rows.map((r) => testSet.has(r[col('customerID')]));
  const categorical = header.filter((h) => h !== 'customerID' && h !== 'Churn' && !(NUMERIC as readonly string[]).includes(h));

  // Training statistics: medians, then mean and population std of the imputed column.
  const stats = NUMERIC.map((name) => {
    const j = col(name);
    const values = rows.map((r) => (r[j].trim() === '' ? NaN : Number(r[j])));
    const trainValues = values.filter((v, i) => !isTest[i] && v === v);
    const med = median(trainValues);
    const imputed = values.map((v) => (v === v ? v : med));
    const tr = imputed.filter((_, i) => !isTest[i]);
    const mean = tr.reduce((a, b) => a + b, 0) / tr.length;
    const sd = Math.sqrt(tr.reduce((a, b) => a + (b - mean) ** 2, 0) / tr.length);
    return { imputed, mean, sd };
  });
  const levels = categorical.map((name) => {
    const j = col(name);
    return [...new Set(rows.filter((_, i) => !isTest[i]).map((r) => r[j]))].sort();
  });
  const featureNames = [...NUMERIC.map((n) => `num__${n}`), ...categorical.flatMap((name, c) => levels[c].map((l) => `cat__${name}_${l}`))];
  const p = featureNames.length;

  const build = (test: boolean) => {
    const idx = rows.map((_, i) => i).filter((i) => isTest[i] === test);
    const data = new Float64Array(idx.length * p);
    const y = new Float64Array(idx.length);
    idx.forEach((i, r) => {
      let o = r * p;
      for (const s of stats) data[o++] = (s.imputed[i] - s.mean) / s.sd;
      categorical.forEach((name, c) => {
        const at = levels[c].indexOf(rows[i][col(name)]);
        if (at >= 0) data[o + at] = 1;
        o += levels[c].length;
      });
      y[r] = rows[i][col('Churn')] === 'Yes' ? 1 : 0;
    });
    return { X: { data, rows: idx.length, cols: p } as Matrix, y, ids: idx.map((i) => rows[i][col('customerID')]) };
  };
  const tr = build(false);
  const te = build(true);
  cached = { featureNames, train: tr.X, test: te.X, yTrain: tr.y, yTest: te.y, testIds: te.ids };
  return cached;
}
