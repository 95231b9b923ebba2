/**
 * `loupe predict` on a large generated file (300,000 rows): the streamed output has every row, in
 * order, and the bytes and predictions of the chunked path (predictCsv + predictionChunkToCsv);
 * `--out` appears only when every row is written — a run that fails midway leaves no file, and
 * no `.partial` file, behind (and an earlier output untouched).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { predictCsv, predictionChunkToCsv } from '../../src/core/pipeline/predict';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';

const ROWS = 300_000;
const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-stream-'));
const model = join(dir, 'model.json');
const big = join(dir, 'big.csv');
let loaded: LoadedBundle;

beforeAll(async () => {
  writeFileSync(join(dir, 'train.csv'), generateSampleGemstones(2000, 8));
  const r = await runCli(['train', join(dir, 'train.csv'), '--target', 'price', '--models', 'gbdt', '--params', '{"gbdt":{"maxIterations":40}}', '--out', model]);
  expect(r.code, r.err).toBe(0);
  loaded = await openBundle(readFileSync(model, 'utf8'));
  // Every 1,000th row has a carat that is not a number and every 1,001st an unseen cut: rows with problems among the rest.
  const lines = generateSampleGemstones(ROWS, 21).trimEnd().split('\n');
  for (let i = 1000; i < lines.length; i += 1000) lines[i] = lines[i].replace(/^(\d+),[^,]*,/, '$1,"n/a ""approx""",');
  for (let i = 1001; i < lines.length; i += 1001) lines[i] = lines[i].replace(/,(Ideal|Premium|Very Good|Good|Fair),/, ',Superb,');
  writeFileSync(big, lines.join('\n') + '\n');
}, 300_000);

describe('cli predict, streamed', () => {
  it(`writes all ${ROWS.toLocaleString('en-US')} rows in order, the same bytes and predictions as the chunked path`, async () => {
    const out = join(dir, 'predictions.csv');
    const r = await runCli(['predict', model, big, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`${ROWS.toLocaleString('en-US')} rows: ${ROWS.toLocaleString('en-US')} predicted, 0 could not be predicted`);
    expect(r.err).toMatch(/^warnings: .*300 not-a-number, 299 unseen-category$/m);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const text = readFileSync(out, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[0]).toBe('id,carat,cut,color,clarity,depth,table,x,y,z,price,prediction,error');
    // Order: the id column counts up from 0 (no quoted line breaks in this file).
    for (let i = 1; i <= ROWS; i += 997) expect(lines[i].split(',')[0]).toBe(String(i - 1));
    expect(lines[ROWS].split(',')[0]).toBe(String(ROWS - 1));

    let chunked = '';
    let first = true;
    const sampled: number[] = [];
    await predictCsv(loaded, readFileSync(big), {
      onChunk: (c) => {
        chunked += predictionChunkToCsv(c, first);
        first = false;
        for (let i = 0; i < c.rows.length; i++) if ((c.firstRow + i) % 4999 === 1) sampled.push(c.predictions[i]);
      },
    });
    expect(text === chunked).toBe(true);
    // A sample of predictions, read back from the file: the model's own numbers, bit for bit.
    const fromFile = lines.filter((_, i) => i > 0 && i % 4999 === 1).map((l) => Number(l.split(',')[11]));
    expect(fromFile).toEqual(sampled);
    expect(lines[1000]).toMatch(/,"n\/a ""approx""",.*,"warning: carat: ""n\/a \\""approx\\"""" is not a number; read as missing/);
  }, 300_000);

  it('a run that fails midway leaves no output and no .partial file, and an earlier output untouched', async () => {
    const bad = join(dir, 'bad.csv');
    // A quote opened in the last row and never closed: found only after earlier chunks were written.
    writeFileSync(bad, readFileSync(big, 'utf8').split('\n').slice(0, 50_001).join('\n') + '\n1,"0.5,Ideal,G,VS1,61,57,5,5,3,1000\n');
    const out = join(dir, 'bad-predictions.csv');
    const r = await runCli(['predict', model, bad, '--out', out, '--chunk-rows', '1000']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/row 50,?001.*never closed/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);

    writeFileSync(out, 'an earlier complete output\n');
    expect((await runCli(['predict', model, bad, '--out', out])).code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('an earlier complete output\n');
    expect(existsSync(`${out}.partial`)).toBe(false);
  }, 300_000);
});
