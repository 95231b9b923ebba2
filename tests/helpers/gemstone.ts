/**
 * The reference split of ../shared/data/gemstone.csv for model tests and benchmarks, read
 * without the project's own CSV or preprocessing code so that model tests do not depend on them.
 * `raw`: numeric columns as they are, cut/color/clarity as ordinal codes in their known order.
 * `std`: scikit-learn's reference pipeline (median impute + StandardScaler on everything),
 * using the statistics computed here on the training rows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Matrix } from '../../src/core/models/types';

export const ROOT = resolve(import.meta.dirname, '../..');
export const GEMSTONE_CSV = resolve(ROOT, '../shared/data/gemstone.csv');
export const TEST_IDS = resolve(ROOT, '../shared/reference/gemstone-test-ids.txt');
export const SKLEARN_LINEAR = resolve(ROOT, '../shared/reference/sklearn-linear-gemstone.json');

export const haveGemstone = existsSync(GEMSTONE_CSV) && existsSync(TEST_IDS) && existsSync(SKLEARN_LINEAR);
export const SKIP_MESSAGE = `skipped: ${GEMSTONE_CSV} or the reference split is absent`;

export const FEATURES = ['carat', 'depth', 'table', 'x', 'y', 'z', 'cut', 'color', 'clarity'] as const;
export const ORDERS: Record<'cut' | 'color' | 'clarity', string[]> = {
  cut: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'],
  color: ['J', 'I', 'H', 'G', 'F', 'E', 'D'],
  clarity: ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'],
};

/** One model's figures in sklearn-linear-gemstone.json. */
export interface SklearnLinearModel {
  params: Record<string, number>;
  intercept: number;
  coef: Record<string, number>;
  test: { rmse: number; mae: number; r2: number };
  first_test_predictions: number[];
  first_test_ids: number[];
}

/** ../shared/reference/sklearn-linear-gemstone.json: scikit-learn 1.2.1's preprocessing statistics and linear models on the reference split. */
export interface SklearnLinearReference {
  features: string[];
  orders: Record<string, string[]>;
  train_rows: number;
  test_rows: number;
  preprocessing: { median: Record<string, number>; mean: Record<string, number>; scale: Record<string, number> };
  /** LinearRegression, Ridge, Lasso, ElasticNet. */
  models: Record<string, SklearnLinearModel>;
}

export function loadSklearnLinear(): SklearnLinearReference {
  return JSON.parse(readFileSync(SKLEARN_LINEAR, 'utf8')) as SklearnLinearReference;
}

export interface GemstoneSplit {
  features: readonly string[];
  trainRaw: Matrix;
  testRaw: Matrix;
  trainStd: Matrix;
  testStd: Matrix;
  yTrain: Float64Array;
  yTest: Float64Array;
  trainIds: Int32Array;
  testIds: Int32Array;
}

let cached: GemstoneSplit | undefined;

export function loadGemstoneSplit(): GemstoneSplit {
  if (cached) return cached;
  const lines = readFileSync(GEMSTONE_CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const idx = (name: string): number => header.indexOf(name);
  const testSet = new Set(readFileSync(TEST_IDS, 'utf8').trim().split(/\s+/).map(Number));
  const p = FEATURES.length;
  const rowsTrain: number[][] = [];
  const rowsTest: number[][] = [];
  const yTr: number[] = [];
  const yTe: number[] = [];
  const idTr: number[] = [];
  const idTe: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    const id = Number(f[idx('id')]);
    const row = FEATURES.map((name) =>
      name === 'cut' || name === 'color' || name === 'clarity' ? ORDERS[name].indexOf(f[idx(name)]) : Number(f[idx(name)]),
    );
    if (testSet.has(id)) {
      rowsTest.push(row);
      yTe.push(Number(f[idx('price')]));
      idTe.push(id);
    } else {
      rowsTrain.push(row);
      yTr.push(Number(f[idx('price')]));
      idTr.push(id);
    }
  }
  const toMatrix = (rows: number[][]): Matrix => {
    const data = new Float64Array(rows.length * p);
    rows.forEach((r, i) => data.set(r, i * p));
    return {
      data,
      rows: rows.length,
      cols: p,
      features: FEATURES.map((name) =>
        name in ORDERS ? { name, categorical: true, levels: ORDERS[name as keyof typeof ORDERS].length } : { name },
      ),
    };
  };
  const trainRaw = toMatrix(rowsTrain);
  const testRaw = toMatrix(rowsTest);
  // Standardize with training statistics (population std), as scikit-learn's StandardScaler does.
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < trainRaw.rows; i++) s += trainRaw.data[i * p + j];
    mean[j] = s / trainRaw.rows;
    let q = 0;
    for (let i = 0; i < trainRaw.rows; i++) q += (trainRaw.data[i * p + j] - mean[j]) ** 2;
    sd[j] = Math.sqrt(q / trainRaw.rows);
  }
  const standardize = (m: Matrix): Matrix => {
    const data = new Float64Array(m.data.length);
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < p; j++) data[i * p + j] = (m.data[i * p + j] - mean[j]) / sd[j];
    return { data, rows: m.rows, cols: p, features: FEATURES.map((name) => ({ name })) };
  };
  cached = {
    features: FEATURES,
    trainRaw,
    testRaw,
    trainStd: standardize(trainRaw),
    testStd: standardize(testRaw),
    yTrain: Float64Array.from(yTr),
    yTest: Float64Array.from(yTe),
    trainIds: Int32Array.from(idTr),
    testIds: Int32Array.from(idTe),
  };
  return cached;
}

export function rmse(pred: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}

/** The reference split as CSV text (header + the file's own lines), for tests that read files the way users give them. */
export interface GemstoneSplitText {
  header: string;
  train: string[];
  test: string[];
  /** Value of a column on one of these lines. */
  cell(line: string, column: string): string;
}

export function loadGemstoneSplitText(): GemstoneSplitText {
  const lines = readFileSync(GEMSTONE_CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0];
  const names = header.split(',');
  const idAt = names.indexOf('id');
  const testSet = new Set(readFileSync(TEST_IDS, 'utf8').trim().split(/\s+/));
  const train: string[] = [];
  const test: string[] = [];
  for (const line of lines.slice(1)) (testSet.has(line.split(',')[idAt]) ? test : train).push(line);
  return { header, train, test, cell: (line, column) => line.split(',')[names.indexOf(column)] };
}

/** CSV text of a header and lines. */
export function csvText(header: string, lines: readonly string[]): string {
  return [header, ...lines].join('\n') + '\n';
}
