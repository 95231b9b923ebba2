import { describe, expect, it } from 'vitest';
import type { ColumnSchema } from '../../../src/core/data/types';
import { RecipeError, BundleError } from '../../../src/core/errors';
import {
  applyCleaning,
  checkRecipe,
  defaultRecipe,
  fitRecipe,
  FittedRecipe,
  parseRecipe,
  recipeToJSON,
  type Recipe,
} from '../../../src/core/recipe';
import { expectThrowsAtField, thrown } from '../../helpers/errors';
import { makeTable, row } from './make-table';

const col = (name: string, kind: ColumnSchema['kind'], storage: ColumnSchema['storage'], extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  kind,
  storage,
  reason: 'test',
  ...extra,
});

const gems = makeTable({
  id: [1, 2, 3, 4, 5, 6],
  carat: [0.5, 1.0, null, 2.0, 0.5, 1.5],
  cut: ['Ideal', 'Good', 'Premium', null, 'Ideal', 'Fair'],
  color: ['D', 'E', 'J', 'D', 'D', 'G'],
  shop: ['a', 'b', 'a', 'c', 'a', 'b'],
  x: [4, 5, 6, 0, 4, 5],
  price: [500, 1000, 1500, 3000, 500, 2500],
});
const gemSchema: ColumnSchema[] = [
  col('id', 'id', 'numeric'),
  col('carat', 'numeric', 'numeric'),
  col('cut', 'categorical', 'categorical'),
  col('color', 'categorical', 'categorical'),
  col('shop', 'categorical', 'categorical'),
  col('x', 'numeric', 'numeric'),
  col('price', 'numeric', 'numeric'),
];
const wrapErr = (f: () => unknown): RecipeError => thrown(f, RecipeError);

describe('defaultRecipe', () => {
  it('ignores ids, recognises known scales, one-hots few levels, never uses the target', () => {
    const r = defaultRecipe(gemSchema, 'price', gems);
    expect(r.columns.map((c) => c.name)).toEqual(['id', 'carat', 'cut', 'color', 'shop', 'x']);
    const by = Object.fromEntries(r.columns.map((c) => [c.name, c]));
    expect(by.id.role).toBe('ignore');
    expect(by.carat).toMatchObject({ role: 'feature', kind: 'numeric', impute: { strategy: 'median' }, encode: 'standard' });
    expect(by.cut).toMatchObject({ kind: 'ordinal', encode: 'ordinal', order: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'], scale: 'standard' });
    expect(by.color.order).toEqual(['J', 'I', 'H', 'G', 'F', 'E', 'D']);
    expect(by.shop).toMatchObject({ kind: 'categorical', encode: 'onehot', impute: { strategy: 'most_frequent' } });
    expect(r.cleaning).toEqual([]);
    expect(checkRecipe(r, gemSchema, gems)).toEqual([]);
  });
  it('many unordered levels → ordinal by frequency, unscaled; missing target → drop-missing step; schema order wins', () => {
    const levels = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11'];
    const t = makeTable({ town: [...levels, 'k5', 'k5', 'k9'], size: Array(14).fill('M'), y: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, null] });
    const r = defaultRecipe(
      [col('town', 'categorical', 'categorical'), col('size', 'ordinal', 'categorical', { order: ['S', 'M', 'L'] }), col('y', 'numeric', 'numeric')],
      'y',
      t,
    );
    expect(r.columns[0]).toMatchObject({ encode: 'ordinal', scale: 'none', unknown: 'nan' });
    expect(r.columns[0].order!.slice(0, 3)).toEqual(['k5', 'k9', 'k1']);
    expect(r.columns[1].order).toEqual(['S', 'M', 'L']);
    expect(r.cleaning).toEqual([{ op: 'drop-missing', column: 'y' }]);
    const f = fitRecipe(r, applyCleaning(t, r).table);
    expect(f.features[0]).toEqual({ name: 'town', categorical: true, levels: 11 });
  });
  it('unit columns keep their unit; an unknown target is a RecipeError', () => {
    const r = defaultRecipe([col('mileage', 'unit', 'numeric', { unit: 'kmpl' }), col('y', 'numeric', 'numeric')], 'y');
    expect(r.columns[0]).toMatchObject({ kind: 'unit', unit: 'kmpl', encode: 'standard' });
    expect(wrapErr(() => defaultRecipe(gemSchema, 'nope')).where.field).toBe('target');
  });
});

describe('parseRecipe / recipeToJSON', () => {
  const base = () => recipeToJSON(defaultRecipe(gemSchema, 'price', gems)) as unknown as Record<string, unknown> & Recipe;
  it('round-trips through JSON text', () => {
    const r = base();
    r.features.push({ name: 'size', op: 'power', columns: ['carat'], exponent: 2 });
    r.cleaning.push({ op: 'filter', column: 'x', cmp: '>', value: 0 });
    expect(parseRecipe(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });
  it.each([
    ['version', (r: Recipe) => Object.assign(r, { version: 2 })],
    ['columns[1].encode', (r: Recipe) => Object.assign(r.columns[1], { encode: 'onehot' })],
    ['columns[2].order', (r: Recipe) => delete r.columns[2].order],
    ['columns[3].impute.strategy', (r: Recipe) => Object.assign(r.columns[3], { impute: { strategy: 'median' } })],
    ['columns[0].extra', (r: Recipe) => Object.assign(r.columns[0], { extra: 1 })],
    ['cleaning[0].cmp', (r: Recipe) => r.cleaning.push({ op: 'filter', column: 'x', cmp: '=>' as '>', value: 0 })],
    ['cleaning[0]', (r: Recipe) => r.cleaning.push({ op: 'evaluate', code: 'x' } as never)],
    ['features[0].columns', (r: Recipe) => r.features.push({ name: 'q', op: 'ratio', columns: ['x', 'carat', 'x'] })],
    ['features[0].exponent', (r: Recipe) => r.features.push({ name: 'q', op: 'power', columns: ['x'] })],
    ['features[0].name', (r: Recipe) => r.features.push({ name: 'carat', op: 'log', columns: ['x'] })],
    ['columns[1].role', (r: Recipe) => Object.assign(r.columns[1], { name: 'price' })],
  ])('names the bad field %s', (field, mutate) => {
    const r = base();
    mutate(r);
    const e = wrapErr(() => parseRecipe(JSON.parse(JSON.stringify(r))));
    expect(e.where.field?.startsWith(field)).toBe(true);
  });
});

describe('checkRecipe', () => {
  it('explains choices that do not fit the data', () => {
    const r = defaultRecipe(gemSchema, 'price', gems);
    r.columns[2].order = ['Fair', 'Good', 'Ideal'];
    r.features.push({ name: 'v', op: 'product', columns: ['x', 'nope'] }, { name: 'w', op: 'log', columns: ['shop'] }, { name: 'leak', op: 'log', columns: ['price'] });
    r.cleaning.push({ op: 'filter', column: 'gone', cmp: '>', value: 1 });
    const issues = checkRecipe(r, gemSchema, gems);
    const fields = issues.map((i) => i.field);
    expect(fields).toEqual(['columns[2].order', 'features[0].columns[1]', 'features[1].columns[0]', 'features[2].columns[0]', 'cleaning[0].column']);
    expect(issues[0].message).toContain('"Premium"');
    // A label target is a classification target; regression on it is refused, naming the task.
    const labelTarget = { ...defaultRecipe(gemSchema, 'price'), target: 'shop' };
    expect(checkRecipe(labelTarget, gemSchema).filter((i) => i.field === 'target' || i.field === 'task')).toEqual([]);
    const regression = checkRecipe({ ...labelTarget, task: 'regression' }, gemSchema);
    expect(regression.find((i) => i.field === 'task')?.message).toMatch(/holds labels.*Choose classification/);
    const logged = checkRecipe({ ...labelTarget, targetTransform: 'log1p' }, gemSchema);
    expect(logged.find((i) => i.field === 'targetTransform')?.message).toMatch(/classification target/);
  });
});

describe('applyCleaning', () => {
  const t = makeTable({ a: [1, 1, 2, null, 5, 1], b: ['x', 'x', 'y', 'y', 'z', 'w'], y: [1, 1, 2, 3, 4, 5] });
  const r: Recipe = {
    ...defaultRecipe([col('a', 'numeric', 'numeric'), col('b', 'categorical', 'categorical'), col('y', 'numeric', 'numeric')], 'y'),
    cleaning: [{ op: 'drop-duplicates' }, { op: 'filter', column: 'a', cmp: '<', value: 5 }, { op: 'filter', column: 'b', cmp: '!=', value: 'w' }],
  };
  it('applies steps in order, counts removals and keeps original row indices', () => {
    const c = applyCleaning(t, r);
    expect(c.steps.map((s) => s.removed)).toEqual([1, 2, 1]); // dup row 1; NaN and 5 fail a < 5; w
    expect(Array.from(c.kept)).toEqual([0, 2]);
    expect(c.table.rowCount).toBe(2);
    expect(c.steps[1].description).toBe('Keep rows where a < 5');
  });
  it('drop-missing over a column; a step that removes everything names itself', () => {
    expect(applyCleaning(t, { ...r, cleaning: [{ op: 'drop-missing', column: 'a' }] }).steps[0].removed).toBe(1);
    const e = wrapErr(() => applyCleaning(t, { ...r, cleaning: [{ op: 'drop-missing' }, { op: 'filter', column: 'a', cmp: '>', value: 100 }] }));
    expect(e.code).toBe('no-rows-left');
    expect(e.where.field).toBe('cleaning[1]');
  });
});

describe('FittedRecipe', () => {
  const recipe = (): Recipe => {
    const r = defaultRecipe(gemSchema, 'price', gems);
    r.features.push({ name: 'volume', op: 'product', columns: ['carat', 'x'] }, { name: 'per_x', op: 'ratio', columns: ['carat', 'x'], scale: 'none' });
    return r;
  };
  it('derives features before imputation; a zero denominator is missing and imputed with the median (warning)', () => {
    const f = fitRecipe(recipe(), gems);
    expect(f.featureNames).toEqual(['carat', 'cut', 'color', 'shop=a', 'shop=b', 'shop=c', 'x', 'volume', 'per_x']);
    const { X, problems, valid } = f.transformTable(gems);
    // per_x = carat / x: 0.125, 0.2, NaN(carat missing), NaN(x = 0), 0.125, 0.3 → median of 4 values = 0.1625
    expect(X.data[3 * X.cols + 8]).toBeCloseTo(0.1625, 15);
    expect(X.data[0 * X.cols + 8]).toBe(0.125);
    const perX = problems.filter((p) => p.column === 'per_x');
    expect(perX.map((p) => p.row)).toEqual([3, 4]);
    expect(perX[1].message).toContain('carat / x');
    expect(Array.from(valid)).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('matches categories by string even when another table codes levels differently', () => {
    const f = fitRecipe(recipe(), gems);
    const other = makeTable(
      { carat: [1.0], cut: ['Good'], color: ['E'], shop: ['b'], x: [5], price: [1000] },
      { cut: ['Zzz', 'Good'], color: ['Q', 'R', 'E'], shop: ['c', 'b'] },
    );
    expect(row(f.transformTable(other).X, 0)).toEqual(row(f.transformTable(gems).X, 1));
    expect(Array.from(f.transformTable(other).y!)).toEqual([1000]);
  });
  it('fit refuses a recipe without features, an order missing a training level, and a derived feature over the target', () => {
    const r = recipe();
    expect(wrapErr(() => fitRecipe({ ...r, features: [], columns: r.columns.map((c) => ({ ...c, role: 'ignore' as const })) }, gems)).code).toBe('no-features');
    const short = recipe();
    short.columns.find((c) => c.name === 'cut')!.order = ['Fair', 'Good', 'Ideal'];
    const e = wrapErr(() => fitRecipe(short, gems));
    expect(e.where.column).toBe('cut');
    expect(e.message).toContain('"Premium"');
    expect(wrapErr(() => fitRecipe({ ...r, features: [{ name: 'leak', op: 'log', columns: ['price'] }] }, gems)).code).toBe('target-leak');
  });
  it("ordinal unknown 'error' marks the row invalid in a table too, without dropping it", () => {
    const r = recipe();
    r.columns.find((c) => c.name === 'cut')!.unknown = 'error';
    const f = fitRecipe(r, gems);
    const t = makeTable({ carat: [1, 1], cut: ['Good', 'Astor'], color: ['D', 'D'], shop: ['a', 'a'], x: [5, 5] });
    const { X, valid, problems } = f.transformTable(t, { firstRowNumber: 7 });
    expect(X.rows).toBe(2);
    expect(Array.from(valid)).toEqual([1, 0]);
    expect(problems).toEqual([{ row: 8, column: 'cut', reason: 'unseen-category', severity: 'error', message: 'cut: "Astor" was not seen in training.' }]);
  });
  it('a needed column absent from a table is a whole-file RecipeError naming it', () => {
    const f = fitRecipe(recipe(), gems);
    const e = wrapErr(() => f.transformTable(makeTable({ carat: [1], cut: ['Good'], color: ['E'], shop: ['a'] })));
    expect(e.code).toBe('missing-column');
    expect(e.where.column).toBe('x');
  });
  it('transformRecords reports problems with row numbers and never drops a row', () => {
    const r = recipe();
    r.columns.find((c) => c.name === 'color')!.unknown = 'error';
    const f = fitRecipe(r, gems);
    const { X, problems, valid } = f.transformRecords(
      [
        { carat: '1.0', cut: 'Good', color: 'E', shop: 'b', x: 5 },
        { carat: 'heavy', cut: 'Good', color: 'E', shop: 'b', x: '5' },
        { carat: 'NA', cut: 'Superb', color: 'Z', x: 50 },
      ],
      101,
    );
    expect(X.rows).toBe(3);
    // "heavy" is read as missing and imputed, as the CSV loader reads text in a number column.
    expect(Array.from(valid)).toEqual([1, 1, 0]);
    const summary = problems.map((p) => `${p.row} ${p.column} ${p.reason} ${p.severity}`);
    expect(summary).toEqual([
      '102 carat not-a-number warning',
      '103 carat missing-value warning',
      '103 cut unseen-category warning',
      '103 color unseen-category error',
      '103 shop missing-column warning',
      '103 x out-of-range warning',
      '103 volume missing-value warning',
      '103 per_x missing-value warning',
    ]);
    expect(problems[0].message).toBe('carat: "heavy" is not a number; read as missing, as in training, and filled with 1.');
    expect(row(X, 0)).toEqual(row(f.transformTable(gems).X, 1));
    const imputed = f.transformRecords([{ carat: 'NA', cut: 'Good', color: 'E', shop: 'b', x: '5' }]).X;
    expect(row(X, 1)).toEqual(row(imputed, 0));
  });
  it('records typed as text encode exactly like the table they came from', () => {
    const f = fitRecipe(recipe(), gems);
    const records = Array.from({ length: gems.rowCount }, (_, i) =>
      Object.fromEntries(
        gems.columns.map((c) => [c.name, c.type === 'numeric' ? (Number.isNaN(c.values[i]) ? 'NA' : String(c.values[i])) : c.codes[i] < 0 ? '' : c.levels[c.codes[i]]]),
      ),
    );
    const a = f.transformRecords(records);
    const b = f.transformTable(gems);
    expect(Array.from(a.X.data)).toEqual(Array.from(b.X.data));
    expect(a.problems).toEqual(b.problems);
  });
  it('unit columns accept their unit in typed values', () => {
    const t = makeTable({ mileage: [20, 25, 30], y: [1, 2, 3] }, {}, { mileage: 'kmpl' });
    const f = fitRecipe(defaultRecipe([col('mileage', 'unit', 'numeric', { unit: 'kmpl' }), col('y', 'numeric', 'numeric')], 'y'), t);
    const { X, problems, valid } = f.transformRecords([{ mileage: '25 kmpl' }, { mileage: '25' }, { mileage: '40 km/h' }]);
    expect(X.data[0]).toBe(0);
    expect(X.data[1]).toBe(0);
    // Another unit is read as missing (as the loader read it in training) and filled with the median 25.
    expect(X.data[2]).toBe(0);
    expect(Array.from(valid)).toEqual([1, 1, 1]);
    expect(problems.map((p) => [p.row, p.reason, p.severity, p.message])).toEqual([
      [3, 'not-a-number', 'warning', 'mileage: "40 km/h" is not a number in kmpl; read as missing, as in training, and filled with 25.'],
    ]);
    expect(f.inputSchema()).toEqual([{ name: 'mileage', kind: 'unit', unit: 'kmpl', min: 20, max: 30, fill: 25 }]);
  });
  it('log1p target: encode/decode round trip; missing targets refuse to fit', () => {
    const f = fitRecipe({ ...recipe(), targetTransform: 'log1p' }, gems);
    const y = Float64Array.from([0, 500, 12345.5]);
    const enc = f.encodeTarget(y);
    expect(enc[1]).toBeCloseTo(Math.log(501), 14);
    const back = f.decodeTarget(enc);
    back.forEach((v, i) => expect(v).toBeCloseTo(y[i], 9));
    const t = makeTable({ a: [1, 2], y: [1, null] });
    const e = wrapErr(() => fitRecipe(defaultRecipe([col('a', 'numeric', 'numeric'), col('y', 'numeric', 'numeric')], 'y'), t));
    expect(e.code).toBe('missing-target');
  });
  it('inputSchema lists what the predict form needs, including derived-only sources', () => {
    const r = recipe();
    r.columns.find((c) => c.name === 'x')!.role = 'ignore';
    const f = fitRecipe(r, gems);
    const s = f.inputSchema();
    expect(s.map((c) => c.name)).toEqual(['carat', 'cut', 'color', 'shop', 'x']);
    expect(s[1]).toMatchObject({ kind: 'ordinal', levels: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'], fill: 'Ideal' });
    expect(s[3].levels).toEqual(['a', 'b', 'c']);
    expect(s[4]).toEqual({ name: 'x', kind: 'numeric', min: 0, max: 6 });
    expect(s[0]).toMatchObject({ min: 0.5, max: 2, fill: 1 });
  });
  it('round-trips through JSON with identical matrices; a tampered bundle names the field', () => {
    const f = fitRecipe(recipe(), gems);
    const g = FittedRecipe.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(Array.from(g.transformTable(gems).X.data)).toEqual(Array.from(f.transformTable(gems).X.data));
    expect(g.features).toEqual(f.features);
    const j = JSON.parse(JSON.stringify(f.toJSON()));
    j.recipe.columns[1].encode = 'ordinal';
    expect(() => FittedRecipe.fromJSON(j)).toThrow(BundleError);
    const k = JSON.parse(JSON.stringify(f.toJSON()));
    k.transformer.state.columns[1].encoder.state.categories = 'Fair';
    expectThrowsAtField(() => FittedRecipe.fromJSON(k), BundleError, 'transformer.state.columns[1].encoder.state.categories');
  });
});
