/**
 * The default recipe on the gemstone reference split reproduces scikit-learn 1.2.1's fitted
 * preprocessing (median impute + StandardScaler; ordinal codes in the known orders + StandardScaler),
 * ../shared/reference/sklearn-linear-gemstone.json `preprocessing`. The CSV is read with a tiny
 * local reader (the file has no quotes), not with the project's parser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column, ColumnSchema, Table } from '../../src/core/data/types';
import { defaultRecipe, fitRecipe } from '../../src/core/recipe';
import { loadSklearnLinear } from '../helpers/gemstone';

const ROOT = resolve(import.meta.dirname, '../..');
const CSV = resolve(ROOT, '../shared/data/gemstone.csv');
const IDS = resolve(ROOT, '../shared/reference/gemstone-test-ids.txt');
const REF = resolve(ROOT, '../shared/reference/sklearn-linear-gemstone.json');
const have = existsSync(CSV) && existsSync(IDS) && existsSync(REF);
const CATEGORICAL = new Set(['cut', 'color', 'clarity']);


function readSplit(): { train: Table; test: Table; schema: ColumnSchema[] } {
  const lines = readFileSync(CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const testIds = new Set(readFileSync(IDS, 'utf8').trim().split(/\s+/).map(Number));
  const cells: string[][] = lines.slice(1).map((l) => l.split(','));
  const idCol = header.indexOf('id');
  const build = (rows: string[][]): Table => ({
    rowCount: rows.length,
    columns: header.map((name, j): Column => {
      if (!CATEGORICAL.has(name)) return { type: 'numeric', name, values: Float64Array.from(rows, (r) => (r[j] === '' ? NaN : Number(r[j]))) };
      const levels: string[] = [];
      const codes = Int32Array.from(rows, (r) => {
        if (r[j] === '') return -1;
        let k = levels.indexOf(r[j]);
        if (k < 0) k = levels.push(r[j]) - 1;
        return k;
      });
      return { type: 'categorical', name, codes, levels };
    }),
  });
  const schema: ColumnSchema[] = header.map((name) => ({
    name,
    kind: name === 'id' ? 'id' : CATEGORICAL.has(name) ? 'categorical' : 'numeric',
    storage: CATEGORICAL.has(name) ? 'categorical' : 'numeric',
    reason: 'set by hand for the reference test',
  }));
  return {
    train: build(cells.filter((r) => !testIds.has(Number(r[idCol])))),
    test: build(cells.filter((r) => testIds.has(Number(r[idCol])))),
    schema,
  };
}

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

describe.skipIf(!have)('default recipe vs scikit-learn on the gemstone reference split', () => {
  if (!have) return;
  const ref = loadSklearnLinear();
  const { train, test, schema } = readSplit();
  const recipe = defaultRecipe(schema, 'price', train);
  const fitted = fitRecipe(recipe, train);

  it('uses the split sizes and the known orders', () => {
    expect([train.rowCount, test.rowCount]).toEqual([ref.train_rows, ref.test_rows]);
    for (const name of CATEGORICAL) expect(recipe.columns.find((c) => c.name === name)?.order).toEqual(ref.orders[name]);
    expect([...fitted.featureNames].sort()).toEqual([...ref.features].sort());
  });

  it('learns the same medians, means and scales (1e-9 relative)', () => {
    const learned = new Map(fitted.learned().map((l) => [l.column, l]));
    for (const name of ref.features) {
      const l = learned.get(name)!;
      if (name in ref.preprocessing.median) expect(l.fill, `${name} median`).toBe(ref.preprocessing.median[name]);
      expect(close(l.mean!, ref.preprocessing.mean[name]), `${name} mean ${l.mean} vs ${ref.preprocessing.mean[name]}`).toBe(true);
      expect(close(l.scale!, ref.preprocessing.scale[name]), `${name} scale ${l.scale} vs ${ref.preprocessing.scale[name]}`).toBe(true);
    }
  });

  it('transforms the test rows to (x − mean) / scale', () => {
    const { X, problems, valid } = fitted.transformTable(test);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(valid.every((v) => v === 1)).toBe(true);
    let worst = 0;
    fitted.featureNames.forEach((name, j) => {
      const col = test.columns.find((c) => c.name === name)!;
      const mean = ref.preprocessing.mean[name];
      const scale = ref.preprocessing.scale[name];
      for (let i = 0; i < test.rowCount; i++) {
        const raw = col.type === 'numeric' ? col.values[i] : ref.orders[name].indexOf(col.levels[col.codes[i]]);
        const want = (raw - mean) / scale;
        worst = Math.max(worst, Math.abs(X.data[i * X.cols + j] - want) / Math.max(1, Math.abs(want)));
      }
    });
    expect(worst).toBeLessThan(1e-9);
  });
});

describe.skipIf(have)('gemstone reference data', () => {
  it(`skipped: ${CSV} or the reference split is absent`, () => {
    expect(have).toBe(false);
  });
});
