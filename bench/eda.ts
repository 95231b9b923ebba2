/**
 * EDA benchmark: times every aggregate of src/core/eda on a generated 1,000,000-row
 * gemstone-like table (built in memory, seeded) and on ../shared/data/gemstone.csv when present
 * (read with a tiny local reader: that file has no quotes), with `cut` as a class target for the
 * class views. Prints JSON; times are medians.
 *
 *   node --import tsx bench/eda.ts [--rows 1000000] [--repeats 3]
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { Column, NumericColumn, Table } from '../src/core/data/types';
import { classBalance, classTargetFindings, columnDistribution, correlationMatrix, dataQualityFindings, featureVsClass, targetDistribution, targetVsFeature } from '../src/core/eda/index';
import { Rng } from '../src/core/random';
import { median } from './lib/measure';
import { numberOption } from './lib/options';

const ROOT = resolve(import.meta.dirname, '..');
const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const ORDERS: Record<string, string[]> = {
  cut: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'],
  color: ['J', 'I', 'H', 'G', 'F', 'E', 'D'],
  clarity: ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'],
};
const NUMERIC = ['carat', 'depth', 'table', 'x', 'y', 'z', 'price'];

function generate(rows: number): Table {
  const rng = new Rng(20240229);
  const f = (): Float64Array => new Float64Array(rows);
  const [id, carat, depth, table, x, y, z, price] = [f(), f(), f(), f(), f(), f(), f(), f()];
  const codes = { cut: new Int32Array(rows), color: new Int32Array(rows), clarity: new Int32Array(rows) };
  for (let i = 0; i < rows; i++) {
    id[i] = i;
    carat[i] = Math.round((0.2 + 3 * rng.next() ** 2) * 100) / 100;
    x[i] = Math.round((3.8 + 2.5 * Math.cbrt(carat[i]) + 0.1 * rng.normal()) * 100) / 100;
    y[i] = Math.round((x[i] + 0.05 * rng.normal()) * 100) / 100;
    depth[i] = Math.round((61.8 + 1.2 * rng.normal()) * 10) / 10;
    z[i] = i % 20011 === 7 ? 0 : Math.round(x[i] * depth[i]) / 100;
    table[i] = 56 + rng.nextInt(6);
    price[i] = Math.max(326, Math.round(4000 * carat[i] ** 1.7 + 300 * rng.normal()));
    codes.cut[i] = rng.nextInt(5);
    codes.color[i] = rng.nextInt(7);
    codes.clarity[i] = rng.nextInt(8);
    if (i % 50_000 === 13) depth[i] = NaN;
  }
  const n = (name: string, values: Float64Array): Column => ({ type: 'numeric', name, values });
  const c = (name: keyof typeof codes): Column => ({ type: 'categorical', name, codes: codes[name], levels: ORDERS[name] });
  return {
    rowCount: rows,
    columns: [n('id', id), n('carat', carat), c('cut'), c('color'), c('clarity'), n('depth', depth), n('table', table), n('x', x), n('y', y), n('z', z), n('price', price)],
  };
}

function readGemstone(): Table {
  const lines = readFileSync(GEMSTONE, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const columns: Column[] = header.map((name, j) =>
    name in ORDERS
      ? { type: 'categorical', name, levels: ORDERS[name], codes: Int32Array.from(rows, (r) => ORDERS[name].indexOf(r[j])) }
      : { type: 'numeric', name, values: Float64Array.from(rows, (r) => (r[j] === '' ? NaN : Number(r[j]))) },
  );
  return { rowCount: rows.length, columns };
}

function time<T>(repeats: number, fn: () => T): { ms: number; runsMs: number[]; out: T } {
  const runs: number[] = [];
  let out!: T;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    out = fn();
    runs.push(performance.now() - t0);
  }
  return { ms: Math.round(median(runs) * 10) / 10, runsMs: runs.map((x) => Math.round(x)), out };
}

function benchTable(name: string, t: Table, repeats: number): Record<string, unknown> {
  const col = (n: string): Column => t.columns.find((c) => c.name === n)!;
  const price = (col('price') as NumericColumn).values;
  const figures: Record<string, unknown> = {};
  const add = (key: string, r: { ms: number; runsMs: number[] }, extra: Record<string, unknown> = {}): void => {
    figures[key] = { medianMs: r.ms, runsMs: r.runsMs, ...extra };
  };
  add('columnDistribution: carat (numeric, FD)', time(repeats, () => columnDistribution(col('carat'))));
  add('columnDistribution: price {log: true}', time(repeats, () => columnDistribution(col('price'), { log: true })));
  add('columnDistribution: clarity (categorical)', time(repeats, () => columnDistribution(col('clarity'))));
  add('columnDistribution: all 11 columns', time(repeats, () => t.columns.map((c) => columnDistribution(c))));
  add('targetDistribution: price linear', time(repeats, () => targetDistribution(price)));
  add('targetDistribution: price log', time(repeats, () => targetDistribution(price, { log: true })));
  add('correlationMatrix: 7 numeric, pearson', time(repeats, () => correlationMatrix(t, NUMERIC, 'pearson')));
  const sp = time(repeats, () => correlationMatrix(t, NUMERIC, 'spearman'));
  add('correlationMatrix: 7 numeric, spearman', sp, { missingInDepth: t.rowCount - sp.out.n[NUMERIC.indexOf('depth') * 8] });
  add('targetVsFeature: price ~ carat (grid, mean line, 5k points)', time(repeats, () => targetVsFeature(t, 'price', 'carat')));
  add('targetVsFeature: price ~ carat, logX + logY', time(repeats, () => targetVsFeature(t, 'price', 'carat', { logX: true, logY: true })));
  add('targetVsFeature: price ~ clarity (box stats)', time(repeats, () => targetVsFeature(t, 'price', 'clarity', { order: ORDERS.clarity })));
  const dq = time(repeats, () => dataQualityFindings(t, [], undefined, { target: 'price' }));
  add('dataQualityFindings', dq, { findings: dq.out.map((f) => `${f.kind}: ${f.columns.join(',')} (${f.count})`) });
  // A class target (cut, 5 classes): Explore's class views, beside the number-target ones above (same run).
  add('classBalance: cut', time(repeats, () => classBalance(t, 'cut')));
  add('featureVsClass: carat by cut (boxes, 30-bin histograms)', time(repeats, () => featureVsClass(t, 'cut', 'carat')));
  add('featureVsClass: clarity by cut (class shares)', time(repeats, () => featureVsClass(t, 'cut', 'clarity', { order: ORDERS.clarity })));
  const cf = time(repeats, () => classTargetFindings(t, 'cut', [{ name: 'id', kind: 'id', storage: 'numeric' } as never]));
  add('classTargetFindings: cut (balance, mutual information of 9 features)', cf, { findings: cf.out.map((f) => f.message) });
  return { input: name, rows: t.rowCount, columns: t.columns.length, figures };
}

function main(): void {
  const rows = numberOption('rows', 1_000_000);
  const repeats = numberOption('repeats', 3);
  const results = [];
  if (existsSync(GEMSTONE)) results.push(benchTable('gemstone.csv', readGemstone(), repeats));
  else process.stderr.write(`skipping gemstone.csv: ${GEMSTONE} is absent\n`);
  const t0 = performance.now();
  const big = generate(rows);
  const genMs = Math.round(performance.now() - t0);
  results.push({ ...benchTable(`generated ${rows} rows`, big, repeats), generateMs: genMs });
  // Shared 2-core machines: the load average says how much the figures are inflated.
  const machine = { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0] * 10) / 10 };
  process.stdout.write(JSON.stringify({ benchmark: 'eda', node: process.version, repeats, machine, results }, null, 2) + '\n');
}

main();
