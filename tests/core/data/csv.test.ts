import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv, detectDelimiter } from '../../../src/core/data/index';
import { CancelledError } from '../../../src/core/errors';
import { cat, countingSource, csvError, enc, num, plain, utf16 } from './helpers';

describe('parseCsv: reading', () => {
  it('reads numbers and labels into typed columns', async () => {
    const d = await parseCsv('a,b,c\n1,x,2.5\n2,y,-3e2\n3,x,\n');
    expect(d.table.rowCount).toBe(3);
    expect(d.delimiter).toBe(',');
    expect(Array.from(num(d.table, 'a').values)).toEqual([1, 2, 3]);
    const b = cat(d.table, 'b');
    expect(b.levels).toEqual(['x', 'y']);
    expect(Array.from(b.codes)).toEqual([0, 1, 0]);
    expect(plain(num(d.table, 'c'))).toEqual([2.5, -300, null]);
    expect(d.bytes).toBe(enc('a,b,c\n1,x,2.5\n2,y,-3e2\n3,x,\n').length);
  });

  it.each([
    [';', 'a;b\n1,5;x\n2;y\n3;z\n'],
    ['\t', 'a\tb\n1\tx,y\n2\ty\n3\tz\n'],
    ['|', 'a|b\n1|x\n2|y;z\n3|z\n'],
    [',', 'a,b\n"1;2",x\n2,y\n3,z\n'],
  ])('detects the delimiter %j', async (d, text) => {
    const ds = await parseCsv(text);
    expect(ds.delimiter).toBe(d);
    expect(ds.table.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(ds.ragged.count).toBe(0);
  });

  it('ignores delimiters inside quotes when detecting', () => {
    expect(detectDelimiter('"a;b;c",d\n"1;2;3",4\n').delimiter).toBe(',');
  });

  it('strips a UTF-8 BOM and reads CRLF line endings', async () => {
    const d = await parseCsv('\uFEFFname,v\r\nä,1\r\nö,2\r\n');
    expect(d.table.columns.map((c) => c.name)).toEqual(['name', 'v']);
    expect(cat(d.table, 'name').levels).toEqual(['ä', 'ö']);
    expect(Array.from(num(d.table, 'v').values)).toEqual([1, 2]);
  });

  it('reads quoted fields with newlines, delimiters and escaped quotes as one row each', async () => {
    const d = await parseCsv('k,t\n1,"line one\nline two"\n2,"a, ""b"""\n3,plain\n4,x,extra\n');
    expect(plain(cat(d.table, 't'))).toEqual(['line one\nline two', 'a, "b"', 'plain', 'x']);
    // Row 4 is ragged: the multi-line quoted field counted as one row.
    expect(d.ragged.rows).toEqual([4]);
  });

  it('treats the default missing markers as missing, case-insensitively and trimmed', async () => {
    const d = await parseCsv('v,w\n1,a\nNA,b\n n/a ,c\nnull,d\nNaN,e\n?,f\n-,g\n,h\n8,NULL\n');
    expect(plain(num(d.table, 'v'))).toEqual([1, null, null, null, null, null, null, null, 8]);
    expect(plain(cat(d.table, 'w'))[8]).toBeNull();
  });

  it('uses configured missing markers instead of the defaults', async () => {
    const values = Array.from({ length: 60 }, (_, i) => String(i + 1));
    const d = await parseCsv(`v\n-999\nNA\n${values.join('\n')}\n`, { missingMarkers: ['-999', ''] });
    // 'NA' is no longer a marker: one label among 60 numbers, read as missing and said so in the reason.
    const s = d.schema[0];
    expect(s.kind).toBe('numeric');
    expect(s.reason).toContain('"NA"');
    expect(plain(num(d.table, 'v')).slice(0, 4)).toEqual([null, null, 1, 2]);
    const small = await parseCsv('v\n1\n-999\nNA\n4\n', { missingMarkers: ['-999'] });
    expect(small.schema[0].kind).toBe('categorical'); // one label in three values is not a stray
  });

  it('does not read hex, Infinity or thousands separators as numbers', async () => {
    const raw = await readCsv('v\n0x1F\nInfinity\n1,000\n12\n', { delimiter: ';' });
    const col = raw.table.columns[0];
    expect(col.type).toBe('categorical');
  });

  it('gives the same table from a string and from a ByteSource read in tiny chunks', async () => {
    const text =
      '\uFEFFid,name,note,price\r\n1,"Smith, J","said ""hi""\r\nthen left",10.5\r\n2,Ödön,,7\r\n3,李,"x",NA\r\n4,a,b,c,d\r\n';
    const a = await parseCsv(text);
    for (const chunkBytes of [1, 2, 3, 7, 64]) {
      const src = countingSource(enc(text));
      const b = await parseCsv(src, { chunkBytes });
      expect(b.table.columns.map(plain)).toEqual(a.table.columns.map(plain));
      expect(b.ragged).toEqual(a.ragged);
      expect(b.schema).toEqual(a.schema);
      if (chunkBytes === 1) expect(src.reads).toBeGreaterThan(50);
    }
    expect(plain(cat(a.table, 'name'))).toEqual(['Smith, J', 'Ödön', '李', 'a']);
  });

  it('reports progress per chunk, ending at the total byte count', async () => {
    const text = 'a,b\n' + Array.from({ length: 1000 }, (_, i) => `${i},${i % 3}`).join('\n') + '\n';
    const seen: { bytesRead: number; totalBytes: number; rows: number }[] = [];
    const d = await parseCsv(text, { chunkBytes: 256, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytesRead).toBeGreaterThanOrEqual(seen[i - 1].bytesRead);
    const last = seen[seen.length - 1];
    expect(last.bytesRead).toBe(d.bytes);
    expect(last.totalBytes).toBe(d.bytes);
    expect(last.rows).toBe(1000);
  });

  it('stops with CancelledError when the signal fires between chunks', async () => {
    const text = 'a,b\n' + Array.from({ length: 500 }, (_, i) => `${i},${i}`).join('\n');
    const ctl = new AbortController();
    const p = parseCsv(text, {
      chunkBytes: 128,
      signal: ctl.signal,
      onProgress: (pr) => {
        if (pr.rows > 50) ctl.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    const pre = new AbortController();
    pre.abort();
    await expect(parseCsv('a\n1\n', { signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('yields to the event loop between chunks so a cancel message can arrive', async () => {
    const text = 'a\n' + Array.from({ length: 2000 }, (_, i) => String(i)).join('\n');
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 0); // only runs if the parser yields
    await expect(parseCsv(text, { chunkBytes: 16, signal: ctl.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('parseCsv: errors name what is wrong', () => {
  it('empty file', async () => {
    await csvError(parseCsv(''), 'empty-file');
    await csvError(parseCsv('\uFEFF  \n\n'), 'empty-file');
    await csvError(parseCsv(new Uint8Array(0)), 'empty-file');
  });

  it('header only', async () => {
    const e = await csvError(parseCsv('a,b,c\n'), 'header-only');
    expect(e.message).toContain('3 columns');
    await csvError(parseCsv('a,b,c'), 'header-only');
  });

  it('duplicate column names, naming them and their positions', async () => {
    const e = await csvError(parseCsv('a,b,a,c,b\n1,2,3,4,5\n'), 'duplicate-column');
    expect(e.message).toContain('"a" (columns 1, 3)');
    expect(e.message).toContain('"b" (columns 2, 5)');
    expect(e.where.column).toBe('a');
  });

  it('blank column names, giving the position', async () => {
    const e = await csvError(parseCsv('a,,c\n1,2,3\n'), 'blank-column');
    expect(e.message).toContain('Column 2 of 3');
    expect(e.where.column).toBe('#2');
  });

  it('non-UTF-8 bytes, naming the byte offset and row', async () => {
    const head = enc('name,v\nabc,1\ndef,2\n');
    const bytes = new Uint8Array([...head, 0x63, 0x61, 0x66, 0xe9, 0x2c, 0x33, 0x0a]); // "caf\xe9,3" in Latin-1
    for (const chunkBytes of [undefined, 5]) {
      const e = await csvError(parseCsv(bytes, chunkBytes ? { chunkBytes } : {}), 'not-utf8');
      expect(e.message).toContain('UTF-8');
      expect(e.where.row).toBe(3);
      if (!chunkBytes) expect(e.message).toContain(`byte ${head.length + 3}`);
    }
  });

  it('binary data is not a CSV', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const e = await csvError(parseCsv(bytes), 'not-csv');
    expect(e.message).toContain('binary');
  });

  it('prose is not a CSV', async () => {
    const prose =
      'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.\n' +
      'There were a king with a large jaw and a queen with a plain face on the throne of England.\n' +
      'In both countries it was clearer than crystal to the lords of the State preserves, that things in general were settled for ever.\n' +
      'It was the year of Our Lord one thousand seven hundred and seventy-five.\n';
    await csvError(parseCsv(prose), 'not-csv');
    await csvError(parseCsv('<!doctype html>\n<html><body>hello</body></html>\n'), 'not-csv');
  });

  it('ragged rows: kept, counted, listed with 1-based data-row numbers and warned about', async () => {
    const d = await parseCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n');
    expect(d.table.rowCount).toBe(5);
    expect(d.ragged).toEqual({ count: 2, rows: [2, 4], policy: 'padded-or-truncated' });
    expect(plain(num(d.table, 'c'))).toEqual([3, null, 8, 11, 15]);
    const w = d.warnings.find((x) => x.kind === 'ragged-rows');
    expect(w?.rows).toEqual([2, 4]);
    expect(w?.message).toContain('rows 2, 4');
  });

  it('mostly ragged rows throw "ragged" naming the first bad rows', async () => {
    const e = await csvError(parseCsv('a,b,c\n1,2,3\n4,5,6\n7,8\n9,10\n11,12\n'), 'ragged');
    expect(e.where.rows).toEqual([3, 4, 5]);
    expect(e.message).toContain('rows 3, 4, 5');
  });

  it('an unterminated quote names the row where it starts', async () => {
    const e = await csvError(parseCsv('a,b\n1,x\n2,"never closed\n3,y\n'), 'unterminated-quote');
    expect(e.where.row).toBe(2);
  });

  it('a forced delimiter must be one character', async () => {
    await csvError(parseCsv('a,b\n1,2\n', { delimiter: ',,' }), 'bad-delimiter');
  });
});

describe('UTF-16 files (Excel\'s "Unicode text")', () => {
  // Quoted fields, a delimiter inside quotes, accents, a character outside the BMP (a surrogate pair), CRLF.
  const text = 'name\tprice\tnote\r\n"Zoë"\t12.5\t"a\tb"\r\nÅsa\t7\t😀 ok\r\nBo\tNA\tx\r\n';

  it.each(['le', 'be'] as const)('reads UTF-16 %s (byte-order mark) as the same table as UTF-8, whatever the read size', async (order) => {
    const expected = await parseCsv(text);
    expect(expected.table.columns.map(plain)).toEqual([['Zoë', 'Åsa', 'Bo'], [12.5, 7, null], ['a\tb', '😀 ok', 'x']]);
    // Reads of 1, 3 and 7 bytes split the byte-order mark, code units and the surrogate pair.
    for (const chunkBytes of [undefined, 1, 3, 7]) {
      const d = await parseCsv(countingSource(utf16(text, order)), chunkBytes ? { chunkBytes } : {});
      expect(d.delimiter).toBe('\t');
      expect(d.schema).toEqual(expected.schema);
      expect(d.table.columns.map(plain)).toEqual(expected.table.columns.map(plain));
      expect(d.bytes).toBe(2 + 2 * text.length);
    }
  });

  it('streams UTF-16 rows for prediction as it streams UTF-8 ones', async () => {
    const { streamCsvRows } = await import('../../../src/core/data/csv');
    const rows: string[][] = [];
    const res = await streamCsvRows(utf16(text, 'be'), { header: () => {}, rows: (b) => void rows.push(...b) }, { chunkBytes: 5 });
    expect(res.header).toEqual(['name', 'price', 'note']);
    expect(rows).toEqual([['Zoë', '12.5', 'a\tb'], ['Åsa', '7', '😀 ok'], ['Bo', 'NA', 'x']]);
  });

  it('UTF-16 without a byte-order mark is named as such, not as binary data', async () => {
    for (const order of ['le', 'be'] as const) {
      const e = await csvError(parseCsv(utf16(text, order, false)), 'not-utf8');
      expect(e.message).toContain('UTF-16');
      expect(e.message).toContain('Save it as UTF-8');
    }
  });

  it('an unpaired surrogate in a UTF-16 file is an error naming its byte', async () => {
    const bytes = utf16('a,b\n1,x\n', 'le');
    bytes.set([0x00, 0xdc], 2 + 2 * 6); // "x" becomes a lone low surrogate, at byte 14
    const e = await csvError(parseCsv(bytes), 'not-utf16');
    expect(e.message).toContain('near byte 14');
    expect(e.message).toContain('Save it as UTF-8');
  });
});

describe('streamCsvRows', () => {
  it('hands over the checked header and batches of raw rows, ragged rows as they are', async () => {
    const { streamCsvRows } = await import('../../../src/core/data/csv');
    const text = ' a ,b\r\n1,"x\r\ny"\r\n\r\n2,z,extra\r\n' + Array.from({ length: 300 }, (_, i) => `${i},q`).join('\n');
    let header: string[] = [];
    const rows: string[][] = [];
    let batches = 0;
    const res = await streamCsvRows(
      enc(text),
      {
        header: (h) => {
          header = h;
        },
        rows: async (b) => {
          batches++;
          rows.push(...b);
        },
      },
      { chunkBytes: 64 },
    );
    expect(header).toEqual(['a', 'b']);
    expect(rows[0]).toEqual(['1', 'x\ny']);
    expect(rows[1]).toEqual(['2', 'z', 'extra']);
    expect(rows).toHaveLength(302);
    expect(res.rows).toBe(302);
    expect(batches).toBeGreaterThan(1);
    await csvError(streamCsvRows('a,a\n1,2\n', { header: () => {}, rows: () => {} }), 'duplicate-column');
  });
});

describe('column storage growth', () => {
  it('a small first chunk (no row estimate) grows the columns and gives the same table', async () => {
    const text = 'n,k\n' + Array.from({ length: 5000 }, (_, i) => `${i * 0.5},${i % 7 === 0 ? 'NA' : `k${i % 3}`}`).join('\n') + '\n';
    const whole = await parseCsv(text);
    const small = await parseCsv(text, { chunkBytes: 300 });
    expect(small.table.rowCount).toBe(5000);
    expect(small.table.columns.map(plain)).toEqual(whole.table.columns.map(plain));
    const n = num(small.table, 'n');
    expect(n.values.length).toBe(5000);
    expect(n.values.buffer.byteLength).toBe(5000 * 8); // exact storage, no slack
    expect(cat(small.table, 'k').codes.buffer.byteLength).toBe(5000 * 4);
    expect(n.values[4999]).toBe(2499.5);
  });
});

describe('reads and decoding slices', () => {
  // Multi-byte labels of 2, 3 and 4 bytes, so characters straddle the 64 KiB decoding slices
  // and the 256 KiB reads after the first chunk.
  const LABELS = ['ä', 'Zürich', '李四', '😀 ok', 'plain'];
  const big = (rows: number): string =>
    'id,label,v\n' + Array.from({ length: rows }, (_, i) => `${i},${LABELS[i % 5]}${i % 3},${(i % 1000) / 8}`).join('\n') + '\n';

  it('reads a large multi-byte file in chunks and reads the same as from memory', async () => {
    const text = big(80_000);
    const bytes = enc(text);
    expect(bytes.length).toBeGreaterThan(1_300_000);
    const src = countingSource(bytes);
    const seen: number[] = [];
    const d = await parseCsv(src, { chunkBytes: 1 << 20, onProgress: (p) => seen.push(p.bytesRead) });
    // One whole first chunk, then reads of 256 KiB; progress once per chunk.
    expect(src.reads).toBe(1 + Math.ceil((bytes.length - (1 << 20)) / (1 << 18)));
    expect(seen).toEqual([1 << 20, bytes.length]);
    expect(d.table.rowCount).toBe(80_000);
    const label = cat(d.table, 'label');
    const labels = Array.from(label.codes, (c) => label.levels[c]);
    for (let i = 0; i < 80_000; i += 997) expect(labels[i]).toBe(`${LABELS[i % 5]}${i % 3}`);
    expect(labels[79_999]).toBe(`${LABELS[79_999 % 5]}${79_999 % 3}`);
    expect(label.levels).toHaveLength(15);
    const v = num(d.table, 'v').values;
    expect(v[12_345]).toBe(345 / 8);
    const whole = await parseCsv(text);
    expect(d.table.columns.map(plain)).toEqual(whole.table.columns.map(plain));
  });

  it('names the offset of an invalid byte that ends a read (a character begun and never finished)', async () => {
    const bytes = enc(big(80_000));
    // The 2nd read after a 1 MiB first chunk ends at 1 MiB + 256 KiB: make its last byte a lead
    // byte of a 3-byte character followed by plain ASCII.
    const at = (1 << 20) + (1 << 18) - 1;
    let k = at;
    while (bytes[k] >= 0x80 || bytes[k] === 10 || bytes[k + 1] >= 0x80) k--; // an ASCII byte before ASCII
    bytes[k] = 0xe2;
    const e = await csvError(parseCsv(countingSource(bytes), { chunkBytes: 1 << 20 }), 'not-utf8');
    expect(e.message).toContain(`byte ${k.toLocaleString('en-US')} `);
    const before = new TextDecoder().decode(bytes.subarray(0, k));
    const line = before.split('\n').length - 1; // data row = line index (the header is line 0)
    expect(e.where.row).toBe(line);
    // Same answer when the whole file is one chunk.
    const e2 = await csvError(parseCsv(bytes), 'not-utf8');
    expect(e2.message).toContain(`byte ${k.toLocaleString('en-US')} `);
  });
});
