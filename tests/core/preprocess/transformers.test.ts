import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SimpleImputer, StandardScaler, MinMaxScaler, OrdinalEncoder, OneHotEncoder, ColumnTransformer, type CellProblem, type Labels } from '../../../src/core/preprocess';
import { InvalidInputError, InvalidParamsError, NotFittedError, RowError, BundleError } from '../../../src/core/errors';
import { expectThrowsAtField, thrown } from '../../helpers/errors';
import { makeTable, row } from '../recipe/make-table';

const nums = (...xs: Array<number | null>) => Float64Array.from(xs, (x) => (x === null ? NaN : x));
const labels = (cells: Array<string | null>, levels?: string[]): Labels => {
  const lv = levels ? [...levels] : [];
  const codes = Int32Array.from(cells, (c) => {
    if (c === null) return -1;
    if (!lv.includes(c)) lv.push(c);
    return lv.indexOf(c);
  });
  return { codes, levels: lv };
};
const roundTrip = <T extends { toJSON(): unknown }>(x: T, from: (s: unknown) => T): T => from(JSON.parse(JSON.stringify(x.toJSON())));

describe('SimpleImputer (sklearn semantics)', () => {
  it('median of an even count is the mean of the two middle values', () => {
    const imp = new SimpleImputer({ strategy: 'median' }).fit(nums(10, 1, null, 4, 3));
    expect(imp.fill).toBe(3.5);
    expect(Array.from(imp.transform(nums(null, 2)))).toEqual([3.5, 2]);
  });
  it('median (quickselect) equals the sorted definition on arbitrary inputs with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        const m = s.length >> 1;
        const want = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
        expect(new SimpleImputer({ strategy: 'median' }).fit(Float64Array.from(xs)).fill).toBe(want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
  it('mean ignores missing values', () => {
    expect(new SimpleImputer({ strategy: 'mean' }).fit(nums(1, null, 2, 6)).fill).toBe(3);
  });
  it('most_frequent breaks ties towards the smallest value, for numbers and labels', () => {
    expect(new SimpleImputer({ strategy: 'most_frequent' }).fit(nums(3, 1, 3, 1, 2, null, null, null)).fill).toBe(1);
    expect(new SimpleImputer({ strategy: 'most_frequent' }).fit(labels(['b', 'a', 'b', 'a', 'c', null, null, null])).fill).toBe('a');
    expect(new SimpleImputer({ strategy: 'most_frequent' }).fit(labels(['b', 'b', 'a'])).fill).toBe('b');
  });
  it('constant uses the fill value, defaulting to 0 and "missing" like sklearn', () => {
    expect(new SimpleImputer({ strategy: 'constant' }).fit(nums(null, null)).fill).toBe(0);
    expect(new SimpleImputer({ strategy: 'constant', fillValue: -1 }).fit(nums(1)).fill).toBe(-1);
    const imp = new SimpleImputer({ strategy: 'constant' }).fit(labels(['x', null]));
    const out = imp.transform(labels(['x', null]));
    expect(out.levels[out.codes[1]]).toBe('missing');
    expect(out.levels[out.codes[0]]).toBe('x');
  });
  it('refuses impossible fits with typed errors naming the column or field', () => {
    expect(() => new SimpleImputer({ strategy: 'median' }).fit(nums(null, null), 'carat')).toThrow(InvalidInputError);
    expect(thrown(() => new SimpleImputer({ strategy: 'mean' }).fit(labels(['a']), 'cut'), InvalidParamsError).where).toMatchObject({ field: 'strategy', column: 'cut' });
    expect(() => new SimpleImputer({ strategy: 'bogus' as 'mean' })).toThrow(/strategy/);
  });
  it('round-trips through JSON and rejects a fill of the wrong type', () => {
    const imp = roundTrip(new SimpleImputer({ strategy: 'median' }).fit(nums(1, 2, 9)), SimpleImputer.fromJSON);
    expect(imp.fill).toBe(2);
    const bad = { type: 'simple-imputer', params: { strategy: 'median' }, state: { input: 'number', fill: 'x' } };
    expect(() => SimpleImputer.fromJSON(bad)).toThrow(BundleError);
  });
});

describe('StandardScaler', () => {
  it('uses the population std', () => {
    const s = new StandardScaler().fit(nums(1, 2, 3, 4, null));
    expect(s.mean).toBe(2.5);
    expect(s.scale).toBeCloseTo(Math.sqrt(1.25), 15);
    const out = s.transform(nums(1, null));
    expect(out[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 14);
    expect(out[1]).toBeNaN();
  });
  it('a constant column (even with rounding noise) gets scale 1, as in sklearn', () => {
    expect(new StandardScaler().fit(nums(5, 5, 5)).scale).toBe(1);
    const s = new StandardScaler().fit(nums(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1));
    expect(s.scale).toBe(1);
    expect(Math.abs(s.apply(0.1))).toBeLessThan(1e-15);
  });
  it('withMean / withStd switch the centring and the scaling off', () => {
    const x = nums(1, 3);
    expect(Array.from(new StandardScaler({ withMean: false }).fit(x).transform(x))).toEqual([1, 3]);
    expect(Array.from(new StandardScaler({ withStd: false }).fit(x).transform(x))).toEqual([-1, 1]);
  });
  it('round-trips', () => {
    const s = roundTrip(new StandardScaler().fit(nums(1, 2, 7)), StandardScaler.fromJSON);
    expect(s.apply(7)).toBe(new StandardScaler().fit(nums(1, 2, 7)).apply(7));
  });
});

describe('MinMaxScaler', () => {
  it('maps the training range onto the feature range', () => {
    const s = new MinMaxScaler().fit(nums(2, 4, 6, null));
    expect(Array.from(s.transform(nums(2, 4, 6, 8)))).toEqual([0, 0.5, 1, 1.5]);
    const t = new MinMaxScaler({ featureRange: [-1, 1] }).fit(nums(2, 4, 6));
    expect(Array.from(t.transform(nums(2, 4, 6)))).toEqual([-1, 0, 1]);
  });
  it('a constant column maps to the range start (sklearn: zero range → scale 1)', () => {
    expect(new MinMaxScaler().fit(nums(3, 3)).apply(3)).toBe(0);
  });
  it('validates the range', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 0] })).toThrow(InvalidParamsError);
  });
});

describe('OrdinalEncoder', () => {
  const order = ['low', 'medium', 'high'];
  it('encodes by string in the given order whatever the input level codes', () => {
    const e = new OrdinalEncoder({ categories: order }).fit(labels(['high', 'low']));
    const input = labels(['medium', 'high', null, 'low'], ['high', 'low', 'medium']);
    const out = e.transform(input);
    expect(Array.from(out.subarray(0, 2))).toEqual([1, 2]);
    expect(out[2]).toBeNaN();
    expect(out[3]).toBe(0);
  });
  it("unknown 'nan' gives NaN; 'error' throws a RowError naming row, column and value", () => {
    const nan = new OrdinalEncoder({ categories: order, handleUnknown: 'nan' }).fit(labels(['low']));
    expect(nan.transform(labels(['low', 'extreme']))[1]).toBeNaN();
    const err = new OrdinalEncoder({ categories: order, handleUnknown: 'error' }).fit(labels(['low']));
    const e = thrown(() => err.transform(labels(['low', 'extreme']), { column: 'level', firstRow: 10 }), RowError);
    expect(e.where).toMatchObject({ row: 11, column: 'level' });
    expect(e.message).toContain('extreme');
  });
  it('a training level missing from the order is an error at fit (sklearn)', () => {
    expect(() => new OrdinalEncoder({ categories: order }).fit(labels(['low', 'huge']), 'level')).toThrow(/huge/);
  });
  it('without an order, categories are the sorted training levels', () => {
    expect(new OrdinalEncoder().fit(labels(['b', 'c', 'a', null])).categories).toEqual(['a', 'b', 'c']);
  });
});

describe('OneHotEncoder', () => {
  it('sorted categories; unknown categories are all zeros', () => {
    const e = new OneHotEncoder().fit(labels(['G', 'D', 'E']));
    expect(e.outputLevels()).toEqual(['D', 'E', 'G']);
    const m = e.transform(labels(['E', 'Z']));
    expect(row(m, 0)).toEqual([0, 1, 0]);
    expect(row(m, 1)).toEqual([0, 0, 0]);
    expect(() => new OneHotEncoder({ handleUnknown: 'error' }).fit(labels(['a'])).transform(labels(['b']))).toThrow(RowError);
  });
  it('maxCategories keeps the most frequent levels and groups the rest', () => {
    const e = new OneHotEncoder({ maxCategories: 3 }).fit(labels(['a', 'b', 'b', 'c', 'c', 'c', 'd']));
    expect(e.outputLevels()).toEqual(['b', 'c', '(other)']);
    expect(row(e.transform(labels(['d', 'a', 'c'])), 0)).toEqual([0, 0, 1]);
    const r = roundTrip(e, OneHotEncoder.fromJSON);
    expect(r.outputLevels()).toEqual(['b', 'c', '(other)']);
  });
});

describe('ColumnTransformer', () => {
  const train = makeTable({
    carat: [1, 2, null, 5],
    cut: ['Good', 'Ideal', null, 'Good'],
    color: ['D', 'E', 'D', null],
  });
  const ct = () =>
    new ColumnTransformer({
      columns: [
        { column: 'carat', input: 'number', impute: { strategy: 'median' }, scale: 'standard' },
        { column: 'cut', input: 'category', impute: { strategy: 'most_frequent' }, encode: 'ordinal', order: ['Fair', 'Good', 'Ideal'] },
        { column: 'color', input: 'category', impute: { strategy: 'most_frequent' }, encode: 'onehot' },
      ],
    }).fit(train);

  it('builds the matrix with feature names and flags unscaled ordinal codes as categorical', () => {
    const t = ct();
    expect(t.features).toEqual([{ name: 'carat' }, { name: 'cut', categorical: true, levels: 3 }, { name: 'color=D' }, { name: 'color=E' }]);
    const m = t.transform(train);
    // carat imputed with the median 2 → values 1,2,2,5: mean 2.5, std sqrt(2.25)=1.5
    expect(row(m, 0)).toEqual([-1, 1, 1, 0]);
    expect(row(m, 2)).toEqual([-1 / 3, 1, 1, 0]);
    expect(row(m, 3)).toEqual([2.5 / 1.5, 1, 1, 0]);
  });
  it('reports missing values (warning) and unseen categories per cell', () => {
    const t = ct();
    const problems: CellProblem[] = [];
    const test = makeTable({ carat: [null, 9], cut: ['Premium', 'Ideal'], color: ['E', 'H'] });
    const m = t.transform(test, { onProblem: (p) => problems.push(p) });
    expect(problems.map((p) => [p.row, p.column, p.reason, p.severity])).toEqual([
      [0, 'carat', 'missing-value', 'warning'],
      [1, 'carat', 'out-of-range', 'warning'],
      [0, 'cut', 'unseen-category', 'warning'],
      [1, 'color', 'unseen-category', 'warning'],
    ]);
    expect(row(m, 0)[1]).toBe(1); // unseen cut → imputed with the most frequent, Good
    expect(row(m, 1).slice(2)).toEqual([0, 0]);
  });
  it('round-trips through JSON with identical output', () => {
    const t = ct();
    const r = ColumnTransformer.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(Array.from(r.transform(train).data)).toEqual(Array.from(t.transform(train).data));
    expect(r.features).toEqual(t.features);
  });
  it('rejects a missing column and a corrupted state naming the field', () => {
    expect(() => ct().transform(makeTable({ carat: [1], cut: ['Good'] }))).toThrow(/color/);
    const j = JSON.parse(JSON.stringify(ct().toJSON()));
    j.state.columns[0].scaler.state.scale = -1;
    expectThrowsAtField(() => ColumnTransformer.fromJSON(j), BundleError, 'column-transformer.state.columns[0].scaler.state.scale');
  });
});

describe('every transformer before fit', () => {
  const labels: Labels = { codes: Int32Array.of(0), levels: ['a'] };
  it('throws the one NotFittedError, naming the transformer, also when restored unfitted', () => {
    const uses: [string, () => unknown][] = [
      ['SimpleImputer', () => new SimpleImputer().fill],
      ['SimpleImputer', () => SimpleImputer.fromJSON(new SimpleImputer().toJSON()).fill],
      ['StandardScaler', () => new StandardScaler().apply(1)],
      ['StandardScaler', () => StandardScaler.fromJSON(new StandardScaler().toJSON()).inverse(1)],
      ['MinMaxScaler', () => new MinMaxScaler().dataMin],
      ['MinMaxScaler', () => MinMaxScaler.fromJSON(new MinMaxScaler().toJSON()).apply(1)],
      ['OrdinalEncoder', () => new OrdinalEncoder().transform(labels)],
      ['OneHotEncoder', () => new OneHotEncoder().fittedState],
      ['ColumnTransformer', () => new ColumnTransformer({ columns: [{ column: 'x', input: 'number', impute: { strategy: 'mean' } }] }).features],
    ];
    for (const [name, use] of uses) {
      expect(use, name).toThrow(NotFittedError);
      expect(use, name).toThrow(`This ${name} is not fitted yet`);
    }
  });
});
