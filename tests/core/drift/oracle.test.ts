/**
 * Reproduces ../shared/reference/drift-oracle.json: scipy 1.10.1's statistics with Evidently's
 * default column tests on five defined pairs of gemstone subsets, built here from
 * ../shared/data/gemstone.csv with Loupe's own parseCsv. KS statistics exactly, p-values to 1e-6
 * relative (they agree to ~1e-12), distances to 1e-9 relative, and every drift flag.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, takeRows } from '../../../src/core/data';
import type { CategoricalColumn, Column, NumericColumn, Table } from '../../../src/core/data/types';
import { computeDrift, kolmogorovSf, type DriftReport } from '../../../src/core/drift';
import { GEMSTONE_CSV, ROOT, TEST_IDS } from '../../helpers/gemstone';

const ORACLE = resolve(ROOT, '../shared/reference/drift-oracle.json');
const present = existsSync(GEMSTONE_CSV) && existsSync(TEST_IDS) && existsSync(ORACLE);

interface OracleColumn {
  test: string;
  value: number;
  statistic?: number;
  asymptoticPValue?: number;
  threshold: number;
  drift: boolean;
}
interface OracleCase {
  name: string;
  referenceRows: number;
  currentRows: number;
  columns: Record<string, OracleColumn>;
  driftShare: number;
  datasetDrift: boolean;
}
interface Oracle {
  columns: string[];
  cases: OracleCase[];
}

const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

function numeric(t: Table, name: string): Float64Array {
  return (t.columns.find((c) => c.name === name) as NumericColumn).values;
}
function labels(t: Table, name: string): string[] {
  const c = t.columns.find((c) => c.name === name) as CategoricalColumn;
  return Array.from(c.codes, (k) => c.levels[k]);
}

/** Row positions where `keep` holds, in ascending id order, at most `limit`. */
function rowsWhere(t: Table, keep: (row: number) => boolean, limit = Infinity): Int32Array {
  const ids = numeric(t, 'id');
  const rows: number[] = [];
  for (let i = 0; i < t.rowCount; i++) if (keep(i)) rows.push(i);
  rows.sort((a, b) => ids[a] - ids[b]);
  return Int32Array.from(rows.slice(0, limit));
}

/** The cut column mapped to two levels, Ideal / other. */
function binaryCut(t: Table): Table {
  const cut = labels(t, 'cut');
  const col: Column = { type: 'categorical', name: 'cut', levels: ['Ideal', 'other'], codes: Int32Array.from(cut, (l) => (l === 'Ideal' ? 0 : 1)) };
  return { rowCount: t.rowCount, columns: t.columns.map((c) => (c.name === 'cut' ? col : c)) };
}

async function load(): Promise<{ oracle: Oracle; all: Table; train: Table; test: Table; pairs: Record<string, [Table, Table]> }> {
  const oracle = JSON.parse(readFileSync(ORACLE, 'utf8')) as Oracle;
  const all = (await parseCsv(readFileSync(GEMSTONE_CSV, 'utf8'))).table;
  const testIds = new Set(readFileSync(TEST_IDS, 'utf8').trim().split(/\s+/).map(Number));
  const ids = numeric(all, 'id');
  const carat = numeric(all, 'carat');
  const cut = labels(all, 'cut');
  const isTest = (i: number): boolean => testIds.has(ids[i]);
  const train = takeRows(all, rowsWhere(all, (i) => !isTest(i)));
  const test = takeRows(all, rowsWhere(all, isTest));
  const ref800 = takeRows(all, rowsWhere(all, (i) => !isTest(i), 800));
  const cur500 = takeRows(all, rowsWhere(all, isTest, 500));
  const pairs: Record<string, [Table, Table]> = {
    'large-no-drift': [train, test],
    'large-drift': [train, takeRows(all, rowsWhere(all, (i) => isTest(i) && carat[i] > 1.0))],
    'small-no-drift': [ref800, cur500],
    'small-drift': [ref800, takeRows(all, rowsWhere(all, (i) => isTest(i) && cut[i] === 'Ideal' && carat[i] < 0.5, 500))],
    'small-binary': [binaryCut(ref800), binaryCut(cur500)],
  };
  return { oracle, all, train, test, pairs };
}

const CASES = present ? (JSON.parse(readFileSync(ORACLE, 'utf8')) as Oracle).cases.map((c) => c.name) : [];

if (!present) it.skip(`drift oracle: ${GEMSTONE_CSV}, ${TEST_IDS} or ${ORACLE} is absent`, () => {});

describe.runIf(present)('drift oracle (scipy 1.10.1, Evidently defaults) on gemstone subsets', () => {
  let ctx: Awaited<ReturnType<typeof load>>;
  beforeAll(async () => {
    ctx = await load();
  });

  it('reads cut, color and clarity as levels and the rest as numbers', () => {
    const { oracle, all } = ctx;
    for (const name of oracle.columns) {
      const col = all.columns.find((c) => c.name === name)!;
      expect(col.type, name).toBe(['cut', 'color', 'clarity'].includes(name) ? 'categorical' : 'numeric');
    }
  });

  it.each(CASES)('%s', (name) => {
    const { oracle, pairs } = ctx;
    const expected = oracle.cases.find((c) => c.name === name)!;
    const [reference, current] = pairs[name];
    const report: DriftReport = computeDrift(reference, current, { columns: oracle.columns });
    expect(report.referenceRows).toBe(expected.referenceRows);
    expect(report.rows).toBe(expected.currentRows);
    expect(report.columns.map((c) => c.name)).toEqual(oracle.columns);
    for (const col of report.columns) {
      const want = expected.columns[col.name];
      expect(col.test, col.name).toBe(want.test);
      expect(col.threshold, col.name).toBe(want.threshold);
      expect(col.drift, col.name).toBe(want.drift);
      if (want.test === 'ks') {
        expect(col.statistic, `${col.name} KS statistic`).toBe(want.statistic);
        expect(col.method, col.name).toBe('exact');
      }
      const tolerance = want.test === 'wasserstein' || want.test === 'jensenshannon' ? 1e-9 : 1e-6;
      expect(rel(col.value, want.value), `${col.name} ${want.test}: ${col.value} vs ${want.value}`).toBeLessThan(tolerance);
    }
    expect(report.driftShare).toBeCloseTo(expected.driftShare, 12);
    expect(report.datasetDrift).toBe(expected.datasetDrift);
  });

  it('asymptotic KS p-values: kstwo.sf(D, round(n1·n2/(n1+n2))) as ks_2samp(method="asymp")', () => {
    let checked = 0;
    for (const c of ctx.oracle.cases) {
      const en = (c.referenceRows * c.currentRows) / (c.referenceRows + c.currentRows);
      for (const col of Object.values(c.columns)) {
        if (col.asymptoticPValue === undefined) continue;
        expect(rel(kolmogorovSf(Math.round(en), col.statistic!), col.asymptoticPValue), `${c.name}`).toBeLessThan(1e-10);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });

  it('the reference split: test rows against training rows do not drift; test rows with carat > 1 do', () => {
    const { oracle, train, test, pairs } = ctx;
    const calm = computeDrift(train, test, { columns: oracle.columns });
    expect(calm.datasetDrift).toBe(false);
    expect(calm.columns.filter((c) => c.drift)).toEqual([]);
    const heavy = computeDrift(train, pairs['large-drift'][1], { columns: oracle.columns });
    expect(heavy.datasetDrift).toBe(true);
    expect(heavy.columns.filter((c) => c.drift).map((c) => c.name)).toEqual(expect.arrayContaining(['carat', 'x', 'y', 'z', 'price']));
    expect(heavy.columns.find((c) => c.name === 'cut')!.drift).toBe(false);
  });
});
