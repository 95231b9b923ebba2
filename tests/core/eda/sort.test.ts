/** The radix sort behind every quantile and rank, against the built-in sort. */
import { describe, expect, it } from 'vitest';
import { correlationMatrix } from '../../../src/core/eda';
import { argsortFinite, sortFinite } from '../../../src/core/stats/sort';
import { Rng } from '../../../src/core/random';
import { num, table } from './helpers';

function awkward(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => {
    const r = rng.next();
    if (r < 0.02) return NaN;
    if (r < 0.03) return -0;
    if (r < 0.035) return r < 0.0325 ? Infinity : -Infinity;
    if (r < 0.3) return rng.nextInt(50) - 25; // many ties, both signs
    if (r < 0.35) return rng.normal() * 1e-310; // subnormals
    return rng.normal() * Math.pow(10, rng.nextInt(20) - 10);
  });
}

describe('radix sort', () => {
  it('matches Float64Array#sort on finite values, with −0 as 0, NaN and ±Infinity left out', () => {
    for (const n of [0, 1, 100, 5000, 40_000]) {
      const v = awkward(n, n + 1);
      const expected = v.filter((x) => Number.isFinite(x)).map((x) => (x === 0 ? 0 : x)).sort();
      const got = sortFinite(v);
      expect(got.length).toBe(expected.length);
      expect(Array.from(got).every((x, i) => Object.is(x, expected[i]))).toBe(true);
    }
  });

  it('argsort points back at the rows and keeps ties in row order', () => {
    const v = awkward(30_000, 9);
    const { sorted, order } = argsortFinite(v);
    for (let k = 0; k < sorted.length; k++) {
      expect(v[order[k]] === sorted[k]).toBe(true);
      if (k && sorted[k] === sorted[k - 1]) expect(order[k]).toBeGreaterThan(order[k - 1]);
    }
  });
});

/** Spearman the slow, obvious way: complete rows, rank each by a comparison sort, Pearson. */
function naiveSpearman(a: Float64Array, b: Float64Array): number {
  const rows: number[] = [];
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) rows.push(i);
  const rank = (v: Float64Array): number[] => {
    const idx = [...rows.keys()].sort((p, q) => v[rows[p]] - v[rows[q]]);
    const r = new Array<number>(rows.length);
    for (let k = 0; k < idx.length; ) {
      let e = k;
      while (e + 1 < idx.length && v[rows[idx[e + 1]]] === v[rows[idx[k]]]) e++;
      for (let t = k; t <= e; t++) r[idx[t]] = (k + e) / 2 + 1;
      k = e + 1;
    }
    return r;
  };
  const x = rank(a);
  const y = rank(b);
  const m = (x.length + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < x.length; k++) {
    sxy += (x[k] - m) * (y[k] - m);
    sxx += (x[k] - m) ** 2;
    syy += (y[k] - m) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('Spearman on a larger table with ties and missing values (radix path)', () => {
  it('agrees with a naive implementation', () => {
    const rng = new Rng(3);
    const n = 20_000;
    const a = Float64Array.from({ length: n }, () => (rng.next() < 0.05 ? NaN : rng.nextInt(300)));
    const b = a.map((x) => (rng.next() < 0.07 ? NaN : Math.round(x / 10) + rng.nextInt(10)));
    const m = correlationMatrix(table(num('a', a), num('b', b)), ['a', 'b'], 'spearman');
    expect(m.matrix[1]).toBeCloseTo(naiveSpearman(a, b), 12);
    expect(m.matrix[1]).toBeGreaterThan(0.9);
  });
});
