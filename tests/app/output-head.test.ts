/**
 * OutputHead (workers/prediction-output.ts): the first rows of a predictions output as written,
 * for the page's preview — whatever the chunks' boundaries, with quoted cells, and never a row
 * cut off at the kept bytes' end.
 */
import { describe, expect, it } from 'vitest';
import { OutputHead } from '../../workers/prediction-output';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('OutputHead', () => {
  it('reads the header and the first rows across chunk boundaries, quoted cells included', () => {
    const head = new OutputHead();
    const text = 'customerID,Contract,prediction,proba_No,proba_Yes,error\n1,"One, year",No,0.9,0.1,\n2,Two year,Yes,0.2,0.8,\n3,x,No,0.6,0.4,\n';
    // Split inside a quoted cell and inside a multi-byte-free line.
    for (const part of [text.slice(0, 70), text.slice(70, 71), text.slice(71)]) head.add(bytes(part));
    expect(head.preview(2)).toEqual({
      columns: ['customerID', 'Contract', 'prediction', 'proba_No', 'proba_Yes', 'error'],
      rows: [
        ['1', 'One, year', 'No', '0.9', '0.1', ''],
        ['2', 'Two year', 'Yes', '0.2', '0.8', ''],
      ],
    });
    expect(head.preview(10).rows).toHaveLength(3);
  });

  it('keeps only the first 64 KiB, leaving out the row they cut', () => {
    const head = new OutputHead();
    const line = `${'x'.repeat(1000)},1\n`;
    head.add(bytes('a,b\n'));
    for (let i = 0; i < 100; i++) head.add(bytes(line));
    const p = head.preview(1000);
    // 64 KiB hold 65 whole lines of 1,003 bytes after the 4-byte header; the 66th is cut and left out.
    expect(p.rows).toHaveLength(Math.floor((64 * 1024 - 4) / line.length));
    expect(p.rows.every((r) => r.length === 2 && r[1] === '1')).toBe(true);
  });
});
