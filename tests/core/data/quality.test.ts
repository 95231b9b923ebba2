/**
 * One engine for data-quality findings: the Data page's warnings (the profile) and the Explore
 * screen's findings (EDA) come from the same checks, in the same words.
 */
import { describe, expect, it } from 'vitest';
import { checkQuality, datasetWarnings, findDuplicateRows, inferSchema, parseCsv, profileTable, type Table } from '../../../src/core/data/index';
import { dataQualityFindings } from '../../../src/core/eda';

/** 120 rows: an id, a dimension with zeros, a column with gaps, a constant, free text, 60 shops, and rows 101–110 repeating rows 1–10 but for the id. */
function messyCsv(): string {
  const lines = ['id,x,rating,unit,note,shop,price'];
  for (let i = 0; i < 120; i++) {
    const r = i >= 100 && i < 110 ? i - 100 : i;
    const x = r === 7 || r === 40 ? 0 : 3 + ((r * 37) % 29) / 10;
    const rating = r % 9 === 4 ? 'NA' : String(1 + (r % 5));
    lines.push(`${i + 1},${x},${rating},kg,comment number ${r} on row ${r},shop ${r % 60},${100 + ((r * 53) % 97)}`);
  }
  return lines.join('\n') + '\n';
}

describe('data-quality checks: one engine for the Data page and Explore', () => {
  it('the Data page’s warnings are Explore’s findings of the same kinds, word for word', async () => {
    const d = await parseCsv(messyCsv());
    const findings = dataQualityFindings(d.table, d.schema, d.profile);
    expect(d.warnings.map((w) => [w.kind, w.column ?? ''])).toEqual([
      ['id-column', 'id'],
      ['zeros', 'x'],
      ['missing-values', 'rating'],
      ['constant-column', 'unit'],
      ['high-cardinality', 'note'],
      ['high-cardinality', 'shop'],
      ['duplicate-rows', ''],
    ]);
    for (const w of d.warnings) {
      const f = findings.find((f) => f.message === w.message);
      expect(f, w.message).toBeDefined();
      expect([f!.severity, f!.suggestion, f!.count, f!.rows]).toEqual([w.severity, w.suggestion, w.count, w.rows]);
    }
    // Explore adds only what needs more statistics: here, that x is skewed.
    const shared = new Set(d.warnings.map((w) => w.message));
    expect(findings.filter((f) => !shared.has(f.message)).map((f) => [f.kind, f.columns])).toEqual([['skewed', ['x']]]);
    const dup = findings.find((f) => f.kind === 'duplicate-rows-except-id')!;
    expect(dup.count).toBe(10);
    expect(dup.message).toContain('10 rows are identical to an earlier row in every column except "id" (8.3% of 120); e.g. row 101 repeats row 1');
    expect(d.warnings.find((w) => w.kind === 'zeros')!.message).toContain('"x" is 0 in 3 rows (rows 8, 41, 108)');
  });

  it('a profile or a scan only saves passes: the findings are the same without them', async () => {
    const d = await parseCsv(messyCsv());
    const withProfile = checkQuality(d.table, { schema: d.schema, profile: d.profile }).findings;
    const bare = checkQuality(d.table, { schema: d.schema }).findings;
    expect(bare).toEqual(withProfile);
    expect(datasetWarnings(withProfile)).toEqual(d.warnings);
  });

  it('columns the schema does not list are judged as schema inference would judge them', async () => {
    const d = await parseCsv(messyCsv());
    const inferred = checkQuality(d.table).findings;
    expect(inferred).toEqual(checkQuality(d.table, { schema: d.schema }).findings);
  });

  it('exact copies are counted apart from copies but for the id when the ids repeat too', () => {
    // "k" is declared an id but repeats: rows 4 and 5 copy rows 1 and 2 entirely, row 6 all but k.
    const t: Table = {
      rowCount: 6,
      columns: [
        { type: 'numeric', name: 'k', values: Float64Array.from([1, 2, 3, 1, 2, 9]) },
        { type: 'numeric', name: 'v', values: Float64Array.from([10, 20, 30, 10, 20, 30]) },
      ],
    };
    const schema = [
      { name: 'k', kind: 'id' as const, reason: 'the person said so', storage: 'numeric' as const },
      { name: 'v', kind: 'numeric' as const, reason: 'numbers', storage: 'numeric' as const },
    ];
    const fs = checkQuality(t, { schema }).findings;
    expect(fs.filter((f) => f.kind.startsWith('duplicate')).map((f) => [f.kind, f.count, f.rows])).toEqual([
      ['duplicate-rows', 2, [4, 5]],
      ['duplicate-rows-except-id', 3, [4, 5, 6]],
    ]);
    // The stored warning counts the copies ignoring the id, as the Data page always has.
    expect(datasetWarnings(fs).filter((w) => w.kind === 'duplicate-rows').map((w) => w.count)).toEqual([3]);
  });

  it('finds duplicate rows and the rows they repeat across the lookup passes of a large table, as a direct comparison does', () => {
    const n = 300_000;
    const a = new Float64Array(n);
    const b = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = i % 7 === 0 ? NaN : i * 0.5;
      b[i] = i % 11;
    }
    // Plant duplicates: row r copies an earlier row; -0 equals 0 (row 150,001 repeats row 2's b with a = 0).
    for (const r of [5, 70_000, 131_073, 131_074, 200_000, 299_999]) {
      a[r] = a[r - 3];
      b[r] = b[r - 3];
    }
    a[1] = 0;
    a[150_000] = -0;
    b[150_000] = b[1];
    const table: Table = {
      rowCount: n,
      columns: [
        { type: 'numeric', name: 'a', values: a },
        { type: 'categorical', name: 'b', codes: b, levels: Array.from({ length: 11 }, (_, k) => `l${k}`) },
      ],
    };
    const first = new Map<string, number>();
    const expected: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const key = `${Number.isNaN(a[i]) ? 'NaN' : a[i] === 0 ? 0 : a[i]}|${b[i]}`;
      const f = first.get(key);
      if (f === undefined) first.set(key, i);
      else expected.push([i + 1, f + 1]);
    }
    expect(expected).toContainEqual([150_001, 2]);
    const dup = findDuplicateRows(table.columns, n, 50);
    expect(dup.count).toBe(expected.length);
    expect(dup.examples).toEqual(expected.slice(0, 50));
    const warning = profileTable(table, inferSchema(table)).warnings.find((w) => w.kind === 'duplicate-rows');
    expect(warning?.count).toBe(expected.length);
    expect(warning?.rows).toEqual(expected.slice(0, 20).map(([r]) => r));
  });
});
