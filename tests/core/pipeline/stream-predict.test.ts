import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedBundle } from '../../../src/core/bundle/bundle';
import { CancelledError, RowError } from '../../../src/core/errors';
import { Explainer } from '../../../src/core/explain';
import type { ModelType } from '../../../src/core/models/types';
import { predictCsv, predictionChunkToCsv, type PredictCsvOptions, type PredictionSummary } from '../../../src/core/pipeline/predict';
import { streamPredict, type PredictedColumns, type StreamPredictOptions, type StreamSummary } from '../../../src/core/pipeline/stream-predict';
import { PredictedBatchCollector } from '../../../src/core/pipeline/predicted-batch';
import { Rng } from '../../../src/core/random';
import { generateSampleGemstones } from '../../../src/core/sample';
import { initTf } from '../../../src/core/tf';
import { trainStrictCutBundle } from '../../helpers/strict-cut-bundle';

/** Training rows: the synthetic gemstones plus a label column and a number with a unit. */
function trainingCsv(rows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = generateSampleGemstones(rows, seed).trim().split('\n');
  return lines.map((l, i) => (i === 0 ? `${l},lab,mass` : `${l},${['GIA', 'IGI', 'HRD'][rng.nextInt(3)]},${(Number(l.split(',')[1]) * 0.2).toFixed(3)} g`)).join('\n') + '\n';
}

/**
 * Rows to predict with everything a real file throws at a model: missing markers, text in number
 * columns, a number in another unit, unseen and quoted categories, formula-looking and blank-edged
 * cells, short and long rows, blank lines, quoted commas, quotes and line breaks in an extra
 * column, non-ASCII text.
 */
function messyCsv(rows: number, seed: number, quoted = true): string {
  const rng = new Rng(seed + 1);
  const lines = trainingCsv(rows, seed).trim().split('\n');
  const notes = ['plain', '@mention', ' lead', 'trail ', 'café ☕', '=HYPERLINK(x)', '-', '+1.5', '', '-3', '.5e3', '1.', '\tx', '-e'];
  if (quoted) notes.push('"a,b"', '"line one\nline two"', '"he said ""hi"""', '"-3"', '=HYPERLINK("x")');
  const out = [`${lines[0]},note`];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    const r = i % 97;
    if (r === 1) f[1] = '';
    if (r === 2) f[1] = 'NA';
    if (r === 3) f[5] = 'abc';
    if (r === 4) f[2] = 'Superb';
    if (r === 5 && quoted) f[3] = '"E"';
    if (r === 6 && quoted) f[7] = '" 5.1"';
    if (r === 7) f[6] = '=1+2';
    if (r === 9) f[4] = ' VS1 ';
    if (r === 10) f[1] = '-';
    if (r === 11) f[8] = '-5';
    if (r === 12) f[12] = '0.3 kg';
    if (r === 13) f[12] = 'heavy';
    if (r === 14) f[11] = 'XYZ';
    if (r === 15) f[1] = '1e-1';
    if (r === 16) f[9] = '1234567890123456789.5';
    if (r === 17 && quoted) f[1] = '"1,5"';
    if (r === 18) f[10] = '';
    // Number cells read in place while the line is scanned (stream-chunk.ts), and ones that are not.
    if (r === 24) f[5] = '+61.5';
    if (r === 25) f[6] = '57.';
    if (r === 26) f[7] = '.5';
    if (r === 27) f[8] = '1.2.3';
    if (r === 28) f[9] = '3 ';
    if (r === 29) f[1] = '+';
    if (r === 30) f[5] = '0061.50';
    f.push(notes[rng.nextInt(notes.length)]);
    let line = f.join(',');
    if (r === 20) line = f.slice(0, 5).join(',');
    if (r === 21) line = `${line},extra`;
    if (r === 22) line = `${line}\n`;
    if (r === 23) line = f.slice(0, 1).join(',');
    out.push(line);
  }
  return out.join('\n') + '\n';
}

/** Unseen cuts make a row fail (the 'error' rule), so every path meets rows that cannot be predicted. */
const trainBundle = (type: ModelType, params: Record<string, unknown>): Promise<LoadedBundle> => trainStrictCutBundle(trainingCsv(500, 3), type, params, 4);

/** Today's path: predictCsv, each chunk written by predictionChunkToCsv. */
async function chunked(loaded: LoadedBundle, csv: string | Uint8Array, options: Omit<PredictCsvOptions, 'onChunk'> = {}): Promise<{ text: string; summary: PredictionSummary }> {
  let text = '';
  let first = true;
  const summary = await predictCsv(loaded, csv, {
    ...options,
    onChunk: (c) => {
      text += predictionChunkToCsv(c, first);
      first = false;
    },
  });
  return { text, summary };
}

async function streamed(loaded: LoadedBundle, csv: string | Uint8Array, options: StreamPredictOptions & { chunkBytes?: number } = {}): Promise<{ text: string; summary: StreamSummary; closed: boolean }> {
  const parts: Uint8Array[] = [];
  let closed = false;
  const summary = await streamPredict(loaded, csv, { write: (b) => void parts.push(b), close: () => void (closed = true) }, options);
  return { text: new TextDecoder().decode(Buffer.concat(parts)), summary, closed };
}

const summaryFields = (s: PredictionSummary) => ({
  rows: s.rows,
  predicted: s.predicted,
  failed: s.failed,
  problemCounts: s.problemCounts,
  raggedRows: s.raggedRows,
  outOfRange: s.outOfRange,
  clipped: s.clipped,
  targetRange: s.targetRange,
  distribution: s.distribution,
  interval: s.interval,
});

const FAMILIES: [ModelType, Record<string, unknown>][] = [
  ['linear', {}],
  ['ridge', {}],
  ['lasso', {}],
  ['elasticnet', {}],
  ['knn', {}],
  ['tree', {}],
  ['forest', { nEstimators: 8 }],
  ['gbdt', { maxIterations: 40 }],
  ['mlp', { hiddenLayers: [8], maxEpochs: 3 }],
];

describe('streamPredict writes exactly what predictCsv + predictionChunkToCsv write', () => {
  // Quoted cells send a piece through papaparse; a file without quotes takes the fast path throughout.
  const csv = messyCsv(1200, 11);
  const plain = messyCsv(1200, 12, false);
  const bundles = new Map<ModelType, LoadedBundle>();
  beforeAll(async () => {
    await initTf();
    for (const [type, params] of FAMILIES) bundles.set(type, await trainBundle(type, params));
  });

  it('the messy files really are messy (every kind of problem occurs)', async () => {
    expect(plain).not.toContain('"');
    for (const file of [csv, plain]) {
      const { summary } = await chunked(bundles.get('linear')!, file, { chunkRows: 100 });
      expect(summary.failed).toBeGreaterThan(0);
      expect(summary.raggedRows).toBeGreaterThan(0);
      for (const k of ['missing-value:warning', 'not-a-number:warning', 'unseen-category:error', 'missing-column:warning']) expect(summary.problemCounts[k], k).toBeGreaterThan(0);
    }
  });

  for (const [type] of FAMILIES)
    it(`${type}: same bytes, same predictions bit for bit, same summary`, async () => {
      const loaded = bundles.get(type)!;
      for (const [file, options] of [
        [plain, { chunkRows: 100 }],
        [csv, { chunkRows: 100 }],
        [plain, { chunkRows: 10_000, clip: true }],
      ] as const) {
        const old = await chunked(loaded, file, options);
        const now = await streamed(loaded, file, options);
        expect(now.text).toBe(old.text);
        expect(summaryFields(now.summary)).toEqual(summaryFields(old.summary));
        expect(now.closed).toBe(true);
      }
    });

  it('with intervals and explanations (exact for trees and linear models, sampled for k-NN and MLP)', async () => {
    for (const type of ['gbdt', 'ridge', 'knn', 'mlp'] as const) {
      const loaded = bundles.get(type)!;
      const explainer = new Explainer(loaded.model, loaded.recipe, { permutations: 4 });
      const options = { chunkRows: 250, interval: 0.8, explainer };
      const part = plain.split('\n').slice(0, 300).join('\n') + '\n' + csv.split('\n').slice(1, 100).join('\n') + '\n';
      const old = await chunked(loaded, part, options);
      const now = await streamed(loaded, part, options);
      expect(old.text.split('\n')[0]).toContain('prediction_lower');
      expect(old.text.split('\n')[0]).toContain('shap_carat');
      expect(now.text, type).toBe(old.text);
      expect(summaryFields(now.summary)).toEqual(summaryFields(old.summary));
    }
  });

  it('hands monitoring the same inputs and predictions as predictCsv chunks', async () => {
    const loaded = bundles.get('gbdt')!;
    const seen: PredictedColumns[] = [];
    const streamedBatch = new PredictedBatchCollector('price');
    await streamPredict(loaded, csv, { write: () => undefined }, { chunkRows: 300, onPredicted: (c) => void (seen.push(c), streamedBatch.addPredicted(c)) });
    const chunkedBatch = new PredictedBatchCollector('price');
    let k = 0;
    await predictCsv(loaded, csv, {
      chunkRows: 300,
      onChunk: (c) => {
        chunkedBatch.add(c);
        const s = seen[k++];
        expect(s.inputs).toEqual(c.inputs);
        expect(Array.from(s.valid)).toEqual(Array.from(c.valid));
        expect(Array.from(s.predictions)).toEqual(Array.from(c.predictions, (p, i) => (c.valid[i] ? p : NaN)));
        const price = c.header.indexOf('price');
        expect(Array.from(s.actual!)).toEqual(c.rows.map((r) => (r[price] === undefined || r[price] === '' ? NaN : Number(r[price]))));
      },
    });
    expect(k).toBe(seen.length);
    expect(streamedBatch.finish()).toEqual(chunkedBatch.finish());
  });

  it('lists the first problems of each severity by row, and every one in the error column', async () => {
    const loaded = bundles.get('tree')!;
    const now = await streamed(loaded, csv, { chunkRows: 64, maxListed: 5 });
    const errors = now.summary.problems.filter((p) => p.severity === 'error');
    const warnings = now.summary.problems.filter((p) => p.severity === 'warning');
    expect(errors).toHaveLength(5);
    expect(warnings).toHaveLength(5);
    expect(now.summary.problems.map((p) => p.row)).toEqual([...now.summary.problems.map((p) => p.row)].sort((a, b) => a - b));
    const total = Object.values(now.summary.problemCounts).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(10);
    expect(errors[0]).toMatchObject({ column: 'cut', reason: 'unseen-category' });
  });
});

describe('streamPredict across chunk boundaries', () => {
  let loaded: LoadedBundle;
  beforeAll(async () => {
    loaded = await trainBundle('gbdt', { maxIterations: 20 });
  });
  const body = messyCsv(40, 5);

  /** Read in reads of `chunkBytes` bytes (every boundary lands somewhere new) against today's path on the whole text. */
  async function expectSame(input: string | Uint8Array): Promise<string> {
    const old = await chunked(loaded, input, { chunkRows: 7 });
    for (const chunkBytes of [1, 3, 13, 64]) {
      const now = await streamed(loaded, input, { chunkRows: 7, chunkBytes });
      expect(now.text, `chunkBytes ${chunkBytes}`).toBe(old.text);
      expect(summaryFields(now.summary)).toEqual(summaryFields(old.summary));
    }
    return old.text;
  }

  it('quoted line breaks, quotes and commas cut across reads', async () => {
    const text = await expectSame(body);
    expect(text).toContain('"line one\nline two"');
  });

  it('CRLF line ends (and a lone CR)', async () => {
    const out = await expectSame(body.replace(/\n/g, '\r\n'));
    expect(out).not.toContain('\r');
    await expectSame(body.replace(/\n/g, '\r'));
  });

  it('a byte-order mark, and U+FEFF inside a field', async () => {
    const out = await expectSame('\uFEFF' + body);
    expect(out.startsWith('id,carat')).toBe(true);
    await expectSame(body.replace('plain', 'pl\uFEFFain'));
  });

  it('a last line without a line break, and blank lines anywhere', async () => {
    await expectSame(body.trimEnd());
    await expectSame('\n\n' + body.replace(/\n/g, '\n\n') + '\n\n\n');
  });

  it('multi-byte UTF-8 characters split between reads', async () => {
    const text = body.replace(/HRD/g, 'ñ€😀ü');
    const bytes = new TextEncoder().encode(text);
    const out = await expectSame(bytes);
    expect(out).toContain('ñ€😀ü');
  });

  it('a semicolon-separated file is written with commas, as today', async () => {
    const semi = 'carat;cut;color;clarity;depth;table;x;y;z;lab;mass;note\n0.5;Ideal;E;VS1;61.5;57;5.1;5.1;3.1;GIA;0.1 g;a,b\n0.9;Good;H;SI1;62;58;6.1;6.1;3.8;IGI;0.18 g;x\n';
    const out = await expectSame(semi);
    expect(out.split('\n')[1]).toMatch(/^0\.5,Ideal,E,VS1,61\.5,57,5\.1,5\.1,3\.1,GIA,0\.1 g,"a,b",[\d.]+,$/);
  });

  it('a header without rows writes the header line', async () => {
    const out = await expectSame('carat,cut,color,clarity,depth,table,x,y,z,lab,mass\n');
    expect(out).toBe('carat,cut,color,clarity,depth,table,x,y,z,lab,mass,prediction,error\n');
  });

  it('a file without a column the model needs fails before anything is written, and the sink is aborted', async () => {
    const parts: Uint8Array[] = [];
    let aborted: unknown = null;
    const run = streamPredict(loaded, 'carat,cut\n1,Ideal\n', { write: (b) => void parts.push(b), abort: (e) => void (aborted = e) });
    await expect(run).rejects.toBeInstanceOf(RowError);
    await expect(run).rejects.toMatchObject({ code: 'missing-column', where: { column: 'color' } });
    expect(parts).toHaveLength(0);
    expect(aborted).toBeInstanceOf(RowError);
  });

  it('cancel stops between chunks, aborts the sink and never closes it', async () => {
    const ac = new AbortController();
    let closed = false;
    let aborted = false;
    let writes = 0;
    const run = streamPredict(
      loaded,
      body.repeat(3),
      {
        write: () => {
          if (++writes === 2) ac.abort();
        },
        close: () => void (closed = true),
        abort: () => void (aborted = true),
      },
      { chunkRows: 10, signal: ac.signal },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(writes).toBe(2);
    expect(aborted).toBe(true);
    expect(closed).toBe(false);
  });

  it('reports progress with rows, bytes, rate and ETA', async () => {
    const seen: { rows: number; bytes: number; totalBytes?: number; rowsPerSecond: number; etaSeconds?: number }[] = [];
    let t = 0;
    await streamPredict(loaded, body.repeat(20), { write: () => undefined }, { chunkRows: 100, chunkBytes: 4096, now: () => (t += 10), onProgress: (p) => void seen.push(p) } as StreamPredictOptions);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.map((p) => p.rows)).toEqual([...seen.map((p) => p.rows)].sort((a, b) => a - b));
    const last = seen[seen.length - 1];
    expect(last.totalBytes).toBe(new TextEncoder().encode(body.repeat(20)).length);
    expect(last.rowsPerSecond).toBeGreaterThan(0);
    expect(seen.some((p) => p.etaSeconds !== undefined && p.etaSeconds > 0)).toBe(true);
  });
});
