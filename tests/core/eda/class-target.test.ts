/**
 * Explore's class-target views: the class balance, a feature against the classes, and the class
 * findings (imbalance; association by mutual information, checked against scikit-learn's
 * mutual_info_score on telco-churn.csv when ../shared is there).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../../src/core/data';
import {
  classAssociations,
  classBalance,
  classTargetFindings,
  featureVsClass,
  withClassFindings,
  type CategoricalByClass,
  type Finding,
  type NumericByClass,
} from '../../../src/core/eda';
import { haveTelco, TELCO_CSV, TELCO_SKIP_MESSAGE } from '../../helpers/telco';
import { cat, num, table } from './helpers';

const labels = (spec: [string, number][]): string[] => spec.flatMap(([l, n]) => new Array<string>(n).fill(l));

describe('classBalance', () => {
  it('counts rows per class in training’s class order, names the rarest and flags it under 20 %', () => {
    // Levels appear Yes first; training orders classes as LabelEncoder: No, Yes.
    const t = table(cat('Churn', [...labels([['Yes', 3]]), ...labels([['No', 17]]), null]));
    const b = classBalance(t, 'Churn');
    expect(b).toMatchObject({ kind: 'classes', name: 'Churn', rows: 21, missing: 1, imbalanced: true, minorityShare: 0.2 });
    expect(b.classes).toEqual([
      { label: 'No', count: 17, share: 0.85 },
      { label: 'Yes', count: 3, share: 0.15 },
    ]);
    expect(b.minority.label).toBe('Yes');
    expect(classBalance(t, 'Churn', { minorityShare: 0.1 }).imbalanced).toBe(false);
  });

  it('reads a 0/1 number as two classes, and refuses a column with too many values to be classes', () => {
    const t = table(num('flag', [0, 1, 1, 0, NaN, 1]), num('id', Array.from({ length: 150 }, (_, i) => i)));
    expect(classBalance(t, 'flag').classes.map((c) => [c.label, c.count])).toEqual([
      ['0', 2],
      ['1', 3],
    ]);
    expect(() => classBalance(table(num('id', Array.from({ length: 150 }, (_, i) => i))), 'id')).toThrow(/"id" has 150 distinct values, too many to explore as classes/);
    expect(() => classBalance(t, 'flag', { minorityShare: 0.7 })).toThrow(/minorityShare/);
  });
});

describe('featureVsClass', () => {
  it('numeric feature: a box per class and per-class counts on shared equal-width edges', () => {
    const t = table(num('tenure', [1, 2, 3, 4, 50, 60, 70, NaN]), cat('Churn', ['Yes', 'Yes', 'Yes', 'No', 'No', 'No', 'No', 'No']));
    const v = featureVsClass(t, 'Churn', 'tenure', { bins: 3 }) as NumericByClass;
    expect(v.kind).toBe('numeric-by-class');
    expect(v.classes).toEqual(['No', 'Yes']);
    expect([v.n, v.dropped]).toEqual([7, 1]);
    expect(v.boxes.map((b) => [b.level, b.count, b.median])).toEqual([
      ['No', 4, 55],
      ['Yes', 3, 2],
    ]);
    expect(v.edges).toEqual([1, 24, 47, 70]);
    expect(v.counts).toEqual([
      [1, 0, 3],
      [3, 0, 0],
    ]);
  });

  it('categorical feature: rows per class for each level, in the given order, the rarest levels merged', () => {
    const contract = ['M', 'M', 'M', 'M', 'Y1', 'Y1', 'Y2', 'Y2', 'Y2', 'Z'];
    const churn = ['Yes', 'Yes', 'Yes', 'No', 'No', 'Yes', 'No', 'No', 'No', 'No'];
    const t = table(cat('Contract', contract), cat('Churn', churn));
    const v = featureVsClass(t, 'Churn', 'Contract', { order: ['Y2', 'Y1'], maxLevels: 3 }) as CategoricalByClass;
    expect(v.kind).toBe('categorical-by-class');
    expect(v.levels).toEqual([
      { level: 'Y2', other: false, count: 3, byClass: [3, 0] },
      { level: 'Y1', other: false, count: 2, byClass: [1, 1] },
      { level: 'M', other: false, count: 4, byClass: [1, 3] },
      { level: 'other', other: true, count: 1, byClass: [1, 0] },
    ]);
    expect(v.overall).toEqual([6, 4]);
  });
});

describe('classTargetFindings', () => {
  it('warns about an imbalanced target and names the features that tell the class, strongest first', () => {
    const n = 400;
    const y = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 'fraud' : 'ok'));
    // `signal` follows the class but for 5 % of the rows; `noise` alternates by blocks of ten rows, each holding one fraud: independent of the class.
    const signal = y.map((c, i) => (i % 20 === 1 ? (c === 'ok' ? 'bad' : 'good') : c === 'ok' ? 'good' : 'bad'));
    const noise = y.map((_, i) => (Math.floor(i / 10) % 2 ? 'a' : 'b'));
    const t = table(cat('signal', signal), cat('noise', noise), num('amount', y.map((c, i) => (c === 'fraud' ? 500 + i : i))), cat('label', y));
    const f = classTargetFindings(t, 'label');
    expect(f.map((x) => x.kind)).toEqual(['class-imbalance', 'class-association']);
    expect(f[0]).toMatchObject({ severity: 'warning', columns: ['label'], count: 40, value: 0.1 });
    expect(f[0].message).toMatch(/"label" is imbalanced: its rarest class "fraud" is 40 rows \(10(\.0+)?%\)/);
    // amount separates the classes exactly; signal mostly; noise not at all (left out at 0).
    expect(f[1].columns).toEqual(['amount', 'signal']);
    const u = classAssociations(t, 'label');
    expect(u.map((a) => a.feature)).toEqual(['amount', 'signal', 'noise']);
    expect(u[2].u).toBe(0);
  });

  it('sit among the data-quality findings by severity: the imbalance warning before any note', () => {
    const y = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 'rare' : 'common'));
    const t = table(cat('x', y.map((c, i) => (c === 'rare' || i % 7 === 0 ? 'p' : 'q'))), cat('label', y));
    const note: Finding = { kind: 'skewed', severity: 'info', columns: ['x'], count: 1, message: 'm', suggestion: 's' };
    const error: Finding = { ...note, kind: 'ragged-rows', severity: 'error' };
    expect(withClassFindings([error, note], t, 'label').map((f) => f.kind)).toEqual(['ragged-rows', 'class-imbalance', 'skewed', 'class-association']);
  });

  it('leaves out ids, constants and free text named by the schema', () => {
    const y = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'a' : 'b'));
    const t = table(cat('id', y.map((_, i) => `c${i}`)), cat('label', y));
    expect(classAssociations(t, 'label').map((a) => a.feature)).toEqual(['id']);
    expect(classAssociations(t, 'label', [{ name: 'id', kind: 'id', storage: 'categorical' } as never])).toEqual([]);
  });
});

describe.skipIf(!haveTelco)(`class associations on telco-churn.csv${haveTelco ? '' : ` (${TELCO_SKIP_MESSAGE})`}`, () => {
  it('equal scikit-learn’s mutual information over the entropy of Churn, less the Miller–Madow bias', async () => {
    const ds = await parseCsv(readFileSync(TELCO_CSV, 'utf8'));
    const u = classAssociations(ds.table, 'Churn', ds.schema);
    // scikit-learn 1.9.1: mutual_info_score(d.Churn, d.Contract) and scipy.stats.entropy of Churn's counts (nats).
    const mi = 0.09845305342598942;
    const h = 0.5785990273334952;
    // 6 occupied cells − 3 levels − 2 classes + 1, over 2n.
    const bias = 2 / (2 * 7043);
    const contract = u.find((a) => a.feature === 'Contract')!;
    expect(contract.u).toBeCloseTo((mi - bias) / h, 12);
    expect(u[0].feature).toBe('Contract');
    // gender: mutual_info_score 3.7e-5, below its chance level 1/(2n) = 7.1e-5: nothing.
    expect(u.find((a) => a.feature === 'gender')!.u).toBe(0);
    expect(u.some((a) => a.feature === 'customerID')).toBe(false);
    expect(classBalance(ds.table, 'Churn')).toMatchObject({ imbalanced: false, minority: { label: 'Yes', count: 1869 } });
  });
});
